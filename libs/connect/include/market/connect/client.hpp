// Client: calls a Connect unary method on another service, over POST.
//
// The remaining deadline goes out as Connect-Timeout-Ms, with the caller's credentials and
// request id; a Connect error body comes back as the same Status the server returned:
//
//   auto http = std::make_shared<market::http::Client>();
//   market::connect::Client listings(http, {"127.0.0.1", 8081});
//   auto job = listings.Call<GetJobRequest, GetJobResponse>(
//       "market.listings.v1.ListingsService", "GetJob", request,
//       market::connect::CallOptions::PropagatedFrom(ctx));
//   if (!job.ok()) return job.status();  // e.g. not_found from listings, as it was sent
//
// A call whose deadline has already passed fails with deadline_exceeded without being sent.
// Only methods the schema marks NO_SIDE_EFFECTS or IDEMPOTENT are ever retried (by the HTTP
// client, after a transport failure), so a payment is never sent twice.
#pragma once

#include <memory>
#include <string_view>

#include "market/common/status.hpp"
#include "market/common/statusor.hpp"
#include "market/connect/call_context.hpp"
#include "market/connect/codec.hpp"
#include "market/connect/schema.hpp"
#include "market/http/client.hpp"

namespace google::protobuf {
class Message;
class MethodDescriptor;
}  // namespace google::protobuf

namespace market::connect {

class Client {
 public:
  Client(std::shared_ptr<http::Client> http, http::Endpoint upstream, Codec codec = Codec::kProto);

  // Throws std::logic_error (a wiring bug) when the method is not in the schema with these types.
  template <typename Req, typename Resp>
  StatusOr<Resp> Call(std::string_view service_full_name, std::string_view method,
                      const Req& request, const CallOptions& options) const {
    const auto& descriptor =
        FindUnaryMethod(service_full_name, method, *Req::descriptor(), *Resp::descriptor());
    Resp response;
    MARKET_RETURN_IF_ERROR(CallMethod(descriptor, request, response, options));
    return response;
  }

  const http::Endpoint& upstream() const { return upstream_; }

 private:
  Status CallMethod(const google::protobuf::MethodDescriptor& method,
                    const google::protobuf::Message& request, google::protobuf::Message& response,
                    const CallOptions& options) const;

  std::shared_ptr<http::Client> http_;
  http::Endpoint upstream_;
  Codec codec_;
};

}  // namespace market::connect
