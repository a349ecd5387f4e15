// Checking an RPC request against the protocol before its call is built: the verb, the codec,
// the protocol version, the compression (connectrpc.com/docs/protocol), and the deadline its
// Connect-Timeout-Ms sets. Internal to the server.
//
//   auto planned = PlanRpc(method, request, ReplyTo{request.version(), request_id});
//   if (auto* refusal = std::get_if<Refusal>(&planned)) return Send(std::move(refusal->response));
//   auto deadline = DeadlineFor(request, started_at);   // invalid_argument when malformed
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "market/common/statusor.hpp"
#include "market/connect/codec.hpp"
#include "market/connect/router.hpp"
#include "market/http/types.hpp"
#include "responses.hpp"

namespace market::connect::internal {

// How to read an accepted RPC request and write its answer.
struct RpcPlan {
  Codec codec = Codec::kProto;
  std::string_view response_content_type;  // a static string
  // A GET call's message, percent-decoded; POST calls read the request body instead.
  bool from_query = false;
  bool query_base64 = false;
  std::string query_message;
};

// The answer refusing a request, and the code the call observer is told.
struct Refusal {
  http::Response response;
  StatusCode code = StatusCode::kUnknown;
};

// The plan for `request` to `method`, or the spec's refusal: 405 with Allow for another verb
// (GET only for NO_SIDE_EFFECTS methods), 415 for an unknown codec, invalid_argument for a bad
// protocol version or GET query, unimplemented for a compression other than identity.
std::variant<RpcPlan, Refusal> PlanRpc(const RegisteredMethod& method, const http::Request& request,
                                       const ReplyTo& to);

// The deadline Connect-Timeout-Ms sets, counted from `started_at`; max() without the header;
// invalid_argument when it is malformed.
StatusOr<std::chrono::steady_clock::time_point> DeadlineFor(
    const http::Request& request, std::chrono::steady_clock::time_point started_at);

}  // namespace market::connect::internal
