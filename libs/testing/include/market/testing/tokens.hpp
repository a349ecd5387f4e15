// Tokens for tests: every service StartService starts verifies tokens with kTestTokenSecret, so
// a test can sign its own for any principal.
//
//   options.authorization = market::testing::BearerFor({.subject = id, .roles = {...}});
#pragma once

#include <string>
#include <string_view>

#include "market/auth/principal.hpp"

namespace market::testing {

inline constexpr std::string_view kTestTokenSecret = "test-token-secret-0123456789abcdef-shared";

// "Bearer <token>" for `principal`, signed with kTestTokenSecret.
std::string BearerFor(const auth::Principal& principal);

}  // namespace market::testing
