// CallContext: what a handler knows about the RPC it serves; CallOptions: what a client sends.
//
// A handler checks the caller and passes deadline, credentials and request id on to the calls it
// makes downstream, so a whole call tree shares one deadline and one request id:
//
//   market::Status PlaceBid(const market::connect::CallContext& ctx, const PlaceBidRequest& req,
//                           PlaceBidResponse& resp) {
//     auto options = market::connect::CallOptions::PropagatedFrom(ctx);
//     auto job = listings_client.Call<GetJobRequest, GetJobResponse>(
//         "market.listings.v1.ListingsService", "GetJob", get_job, options);
//     ...
//   }
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace market::connect {

struct CallContext {
  // From Connect-Timeout-Ms; max() when the caller set none.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string procedure;      // "/grpc.health.v1.Health/Check"
  std::string request_id;     // X-Request-Id from the caller, or a fresh one
  std::string authorization;  // the Authorization header, "" when absent
  std::string peer;           // remote address, "" when the transport does not tell
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names

  // True once the deadline has passed: the answer has already gone out as deadline_exceeded, so
  // a long handler may stop early.
  bool DeadlineExpired() const { return std::chrono::steady_clock::now() >= deadline; }
};

struct CallOptions {
  // max() for no deadline; otherwise sent as Connect-Timeout-Ms.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string authorization;  // sent as Authorization when not empty
  std::string request_id;     // sent as X-Request-Id when not empty

  // The same deadline, credentials and request id as the call being served.
  static CallOptions PropagatedFrom(const CallContext& ctx) {
    return CallOptions{ctx.deadline, ctx.authorization, ctx.request_id};
  }
};

}  // namespace market::connect
