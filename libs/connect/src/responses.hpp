// Building the HTTP responses the server sends: bare messages on success, Connect error bodies
// otherwise, each echoing the request id; and what a log line about a request may show of it.
// Internal to the server.
//
//   ReplyTo to{request.version(), request_id};
//   respond(ErrorResponse(to, InvalidArgumentError("message: missing")));  // 400, JSON body
#pragma once

#include <string>
#include <string_view>

#include "market/common/status.hpp"
#include "market/http/server.hpp"

namespace market::connect::internal {

// What every response copies from its request. (The HTTP server fills in Content-Length and
// Connection.)
struct ReplyTo {
  unsigned version = 11;
  std::string_view request_id;
};

// 200 with `body` as it is.
http::Response MessageResponse(const ReplyTo& to, std::string_view content_type, std::string body);
// The Connect error for `status`, with the HTTP status the spec assigns to its code.
http::Response ErrorResponse(const ReplyTo& to, const Status& status);
// The Connect error for `status` under another HTTP status, for the answers the spec gives
// before any code applies (404 unknown path, 405 wrong verb, 415 unknown content type).
http::Response ErrorResponse(const ReplyTo& to, unsigned http_status, const Status& status);

// The request's path: its target without the query string, which may carry a credential, so
// that it can be logged.
std::string_view PathOf(const http::Request& request);

}  // namespace market::connect::internal
