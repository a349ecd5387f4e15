// CallContext: what a handler knows about the RPC it serves; CallOptions: what a client sends.
//
// A handler finds its verified caller here and passes deadline, credentials and request id on to
// the calls it makes downstream, so a whole call tree shares one deadline and one request id:
//
//   market::Status PlaceBid(const market::connect::CallContext& ctx, const PlaceBidRequest& req,
//                           PlaceBidResponse& resp) override {
//     const auto& freelancer = ctx.Caller();   // checked against the method's access already
//     auto job = listings_.GetJob(get_job, market::connect::CallOptions::PropagatedFrom(ctx));
//     // or, in the service's own name, with its own short-lived service token:
//     auto job = listings_.GetJob(get_job, market::connect::CallOptions::AsService(ctx, tokens_));
//     ...
//   }
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "market/auth/principal.hpp"
#include "market/auth/service_tokens.hpp"

namespace market::connect {

struct CallContext {
  // From Connect-Timeout-Ms; max() when the caller set none.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string procedure;      // "/grpc.health.v1.Health/Check"
  std::string request_id;     // X-Request-Id from the caller, or a fresh one
  std::string authorization;  // the Authorization header, "" when absent
  std::string peer;           // remote address, "" when the transport does not tell
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
  // The verified caller, set before the handler runs: always for a method that needs roles,
  // and for a public one when its token is valid (connect/access.hpp).
  std::optional<auth::Principal> caller;

  // The verified caller of a method that needs roles. Throws std::logic_error (a bug, answered
  // as internal) when a public method's handler asks without checking `caller` first.
  const auth::Principal& Caller() const {
    if (!caller) throw std::logic_error("CallContext::Caller() on a call without a caller");
    return *caller;
  }

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

  // The same deadline and request id, but the calling service's own token: for calls a service
  // makes in its own name rather than its caller's (auth/service_tokens.hpp).
  static CallOptions AsService(const CallContext& ctx, const auth::ServiceTokens& tokens) {
    return CallOptions{ctx.deadline, tokens.AuthorizationHeader(), ctx.request_id};
  }
  // For work no call started (event consumers, timers), bounded by `deadline`.
  static CallOptions AsService(const auth::ServiceTokens& tokens,
                               std::chrono::steady_clock::time_point deadline) {
    return CallOptions{deadline, tokens.AuthorizationHeader(), {}};
  }
};

}  // namespace market::connect
