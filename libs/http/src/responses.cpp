#include "responses.hpp"

#include <string>

#include <boost/beast/http/field.hpp>

#include "market/http/server.hpp"

namespace market::http {

std::string_view ProtocolFailureName(ProtocolFailure failure) {
  switch (failure) {
    case ProtocolFailure::kBodyTooLarge:
      return "body_too_large";
    case ProtocolFailure::kHeaderTooLarge:
      return "header_too_large";
    case ProtocolFailure::kMalformedRequest:
      return "malformed_request";
  }
  return "unknown";
}

Response DefaultFailureResponse(ProtocolFailure failure, const Request& /*header*/) {
  namespace http = boost::beast::http;
  switch (failure) {
    case ProtocolFailure::kBodyTooLarge:
      return internal::PlainResponse(http::status::payload_too_large, "request body too large");
    case ProtocolFailure::kHeaderTooLarge:
      return internal::PlainResponse(http::status::request_header_fields_too_large,
                                     "request header fields too large");
    case ProtocolFailure::kMalformedRequest:
      break;
  }
  return internal::PlainResponse(http::status::bad_request, "malformed request");
}

namespace internal {

Response PlainResponse(boost::beast::http::status status, std::string_view text) {
  Response response{status, 11};
  response.set(boost::beast::http::field::content_type, "text/plain; charset=utf-8");
  response.body().reserve(text.size() + 1);
  response.body().append(text);
  response.body().push_back('\n');
  return response;
}

Response InternalErrorResponse() {
  return PlainResponse(boost::beast::http::status::internal_server_error, "internal server error");
}

}  // namespace internal
}  // namespace market::http
