// Authentication for the marketplace: tokens, principals and roles, password hashing.
//
//   #include "market/auth/auth.hpp"
//   market::auth::TokenVerifier verifier(secret);
//   auto principal = verifier.VerifyAuthorizationHeader(header);
//
// See token.hpp, principal.hpp and password.hpp for each part.
#pragma once

#include "market/auth/password.hpp"
#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"
