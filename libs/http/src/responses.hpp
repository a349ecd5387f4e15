// The answer the server writes on its own when a handler fails. (Refusals of unreadable
// requests are DefaultFailureResponse in server.hpp.)
#pragma once

#include "market/http/types.hpp"

namespace market::http::internal {

// The 500 written when a handler throws or never answers; it names no cause, which is logged.
Response InternalErrorResponse();

}  // namespace market::http::internal
