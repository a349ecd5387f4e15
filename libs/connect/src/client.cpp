#include "market/connect/client.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <chrono>
#include <utility>

#include "market/connect/error.hpp"

namespace market::connect {
namespace {

namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// connectrpc.com/docs/protocol, "Timeout": at most 10 digits.
constexpr std::int64_t kMaxTimeoutMillis = 9'999'999'999;

}  // namespace

Client::Client(std::shared_ptr<http::Client> http, http::Endpoint upstream, Codec codec)
    : http_(std::move(http)), upstream_(std::move(upstream)), codec_(codec) {}

Status Client::CallMethod(const google::protobuf::MethodDescriptor& method,
                          const google::protobuf::Message& request,
                          google::protobuf::Message& response, const CallOptions& options) const {
  const std::string path = "/" + method.service()->full_name() + "/" + method.name();

  std::int64_t timeout_ms = 0;
  if (options.deadline != Clock::time_point::max()) {
    // Rounded down: the server must not think it has more time than the caller allows.
    timeout_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options.deadline - Clock::now())
            .count();
    if (timeout_ms <= 0) {
      return DeadlineExceededError("the deadline passed before " + path + " was called");
    }
    if (timeout_ms > kMaxTimeoutMillis) timeout_ms = kMaxTimeoutMillis;
  }

  http::Request http_request(beast_http::verb::post, path, 11);
  http_request.set(beast_http::field::content_type, ContentTypeFor(codec_));
  http_request.set("Connect-Protocol-Version", "1");
  if (timeout_ms > 0) http_request.set("Connect-Timeout-Ms", std::to_string(timeout_ms));
  if (!options.authorization.empty()) {
    http_request.set(beast_http::field::authorization, options.authorization);
  }
  if (!options.request_id.empty()) http_request.set("X-Request-Id", options.request_id);
  if (Status encoded = EncodeMessage(codec_, request, http_request.body()); !encoded.ok()) {
    return encoded;
  }

  auto sent =
      http_->Send(upstream_, std::move(http_request), options.deadline, IsIdempotent(method));
  if (!sent.ok()) return sent.status();
  const http::Response& http_response = *sent;

  const auto content_type_it = http_response.find(beast_http::field::content_type);
  const std::string_view content_type = content_type_it == http_response.end()
                                            ? std::string_view{}
                                            : std::string_view(content_type_it->value());
  const unsigned http_status = http_response.result_int();
  if (http_status != 200) {
    return StatusFromErrorResponse(static_cast<int>(http_status), content_type,
                                   http_response.body());
  }
  if (CodecForContentType(content_type) != codec_) {
    return InternalError(path + " answered with Content-Type \"" + std::string(content_type) +
                         "\", expected " + std::string(ContentTypeFor(codec_)));
  }
  if (Status decoded = DecodeMessage(codec_, http_response.body(), response); !decoded.ok()) {
    return InternalError(path + " answered with an undecodable message: " + decoded.message());
  }
  return OkStatus();
}

}  // namespace market::connect
