// Authentication for the marketplace: keys, tokens, principals and roles, password hashing.
//
//   #include "market/auth/auth.hpp"
//   market::auth::TokenVerifier verifier(key_set);
//   auto principal = verifier.VerifyAuthorizationHeader(header);
//
// See ed25519.hpp, key_set.hpp, token.hpp, service_tokens.hpp, principal.hpp and password.hpp
// for each part.
#pragma once

#include "market/auth/ed25519.hpp"
#include "market/auth/key_set.hpp"
#include "market/auth/password.hpp"
#include "market/auth/principal.hpp"
#include "market/auth/service_tokens.hpp"
#include "market/auth/token.hpp"
