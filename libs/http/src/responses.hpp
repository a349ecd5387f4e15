// The few answers the server writes on its own, without the handler.
#pragma once

#include <string_view>

#include <boost/beast/http/status.hpp>

#include "market/http/types.hpp"

namespace market::http::internal {

// A plain-text answer: `text` plus a newline, Content-Type text/plain.
Response PlainResponse(boost::beast::http::status status, std::string_view text);

// The 500 written when a handler throws or never answers; it names no cause, which is logged.
Response InternalErrorResponse();

}  // namespace market::http::internal
