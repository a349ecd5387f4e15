// Tokens for tests: every service StartService starts verifies tokens with the keys of
// SharedTestTokenKeys() (token_keys.hpp), so a test can sign its own for any user principal.
//
//   options.authorization = market::testing::BearerFor({.subject = id, .roles = {...}});
#pragma once

#include <string>

#include "market/auth/principal.hpp"

namespace market::testing {

// "Bearer <token>" for `principal`, signed with the shared test keys' users key.
std::string BearerFor(const auth::Principal& principal);

}  // namespace market::testing
