// How long the tokens of a login session live: the access token briefly, since nothing can
// revoke it before it expires; the refresh token long, since logout and reuse detection can.
#pragma once

#include <chrono>

namespace market::gateway {

struct SessionLifetimes {
  std::chrono::seconds access_token{900};              // MARKET_ACCESS_TOKEN_LIFETIME_S
  std::chrono::seconds refresh_token{30 * 24 * 3600};  // MARKET_REFRESH_TOKEN_LIFETIME_S
};

}  // namespace market::gateway
