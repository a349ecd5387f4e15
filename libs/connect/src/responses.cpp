#include "responses.hpp"

#include <utility>

#include "market/connect/error.hpp"

namespace market::connect::internal {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kRequestIdHeader = "X-Request-Id";

http::Response Make(const ReplyTo& to, unsigned http_status, std::string_view content_type,
                    std::string body) {
  http::Response response(static_cast<beast_http::status>(http_status), to.version);
  response.set(beast_http::field::content_type, content_type);
  if (!to.request_id.empty()) response.set(kRequestIdHeader, to.request_id);
  response.body() = std::move(body);
  return response;
}

}  // namespace

http::Response MessageResponse(const ReplyTo& to, std::string_view content_type, std::string body) {
  return Make(to, 200, content_type, std::move(body));
}

http::Response ErrorResponse(const ReplyTo& to, const Status& status) {
  return ErrorResponse(to, static_cast<unsigned>(HttpStatusFor(status.code())), status);
}

http::Response ErrorResponse(const ReplyTo& to, unsigned http_status, const Status& status) {
  return Make(to, http_status, "application/json", ErrorBody(status));
}

std::string_view PathOf(const http::Request& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

}  // namespace market::connect::internal
