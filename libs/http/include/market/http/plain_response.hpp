// Plain-text answers: health probes, metrics scrapes and the few refusals the server writes
// without a handler.
//
//   server.AddHttpRoute("GET", "/healthz", [](const market::http::Request&) {
//     return market::http::PlainResponse(boost::beast::http::status::ok, "ok\n");
//   });
//
// The body is sent as given, so a caller ends it with a newline when a person will read it in a
// terminal. The server fills in the HTTP version, Content-Length and Connection from the request
// it answers (see types.hpp), so the answer does not need the request.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/status.hpp>

#include "market/http/types.hpp"

namespace market::http {

inline constexpr std::string_view kPlainTextUtf8 = "text/plain; charset=utf-8";

Response PlainResponse(boost::beast::http::status status, std::string body,
                       std::string_view content_type = kPlainTextUtf8);

}  // namespace market::http
