#include "responses.hpp"

#include "market/http/plain_response.hpp"
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
      return PlainResponse(http::status::payload_too_large, "request body too large\n");
    case ProtocolFailure::kHeaderTooLarge:
      return PlainResponse(http::status::request_header_fields_too_large,
                           "request header fields too large\n");
    case ProtocolFailure::kMalformedRequest:
      break;
  }
  return PlainResponse(http::status::bad_request, "malformed request\n");
}

namespace internal {

Response InternalErrorResponse() {
  return PlainResponse(boost::beast::http::status::internal_server_error,
                       "internal server error\n");
}

}  // namespace internal
}  // namespace market::http
