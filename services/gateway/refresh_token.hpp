// Refresh tokens as clients hold them: 32 random bytes, base64url (43 characters). Opaque on
// purpose: unlike an access token they carry nothing, and the gateway keeps only their SHA-256
// (session_repository.hpp), so they mean something only to the gateway's database.
//
//   const std::string token = NewRefreshToken();
//   MARKET_RETURN_IF_ERROR(CheckRefreshTokenShape(request.refresh_token()));
#pragma once

#include <string>
#include <string_view>

#include "market/common/status.hpp"

namespace market::gateway {

// Throws std::runtime_error only when the system cannot supply randomness.
std::string NewRefreshToken();

// invalid_argument "refresh_token: must not be empty" for an empty field; unauthenticated for
// anything that cannot be a refresh token (the same answer as an unknown one).
Status CheckRefreshTokenShape(std::string_view token);

}  // namespace market::gateway
