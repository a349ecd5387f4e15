// Authentication for the marketplace: tokens, principals and roles, password hashing.
//
//   #include "market/auth/auth.hpp"
//   market::auth::TokenVerifier verifier(secret);
//   auto principal = verifier.VerifyAuthorizationHeader(header);
//
// See token.hpp, principal.hpp, password.hpp and base64url.hpp for each part.
#pragma once

#include "market/auth/base64url.hpp"
#include "market/auth/password.hpp"
#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"
