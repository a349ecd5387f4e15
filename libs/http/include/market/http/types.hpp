// The HTTP messages the server hands to its handler and the client returns: Beast messages with
// the whole body in a std::string, which is what unary RPCs need.
//
//   market::http::Response response{boost::beast::http::status::ok, request.version()};
//   response.set(boost::beast::http::field::content_type, "application/json");
//   response.body() = "{}";
//
// Content-Length and Connection are filled in by the server (and the client) when the message
// is sent, so callers set neither.
#pragma once

#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace market::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Why the server stopped reading a request before its end.
enum class ProtocolFailure {
  kBodyTooLarge,      // declared or received body beyond ServerOptions::max_body_bytes
  kHeaderTooLarge,    // request line and header fields beyond ServerOptions::max_header_bytes
  kMalformedRequest,  // bytes that are not HTTP/1.x
};

// "body_too_large", "header_too_large", "malformed_request": for logs and metrics labels.
std::string_view ProtocolFailureName(ProtocolFailure failure);

}  // namespace market::http
