// Password hashing for accounts: scrypt (RFC 7914) through OpenSSL's EVP_PBE_scrypt.
//
//   const std::string stored = market::auth::HashPassword(password);   // at registration
//   if (!market::auth::VerifyPassword(attempt, stored)) return UnauthenticatedError(...);
//
// The stored form is "scrypt$<log2 N>$<r>$<p>$<salt>$<hash>" with base64url salt and hash,
// today "scrypt$15$8$1$..." with a 16-byte random salt and a 32-byte key (about 32 MiB and
// 50-100 ms per hash). The costs travel with each hash, so they can be raised later without
// invalidating stored passwords; PasswordNeedsRehash() tells login when to upgrade one.
#pragma once

#include <string>
#include <string_view>

namespace market::auth {

// Throws std::runtime_error only if the operating system cannot supply randomness or memory.
std::string HashPassword(std::string_view password);
// Compares in constant time. A malformed or unsupported encoding is simply false.
bool VerifyPassword(std::string_view password, std::string_view encoded);
// Whether `encoded` was made with costs other than today's (or is unreadable).
bool PasswordNeedsRehash(std::string_view encoded);

}  // namespace market::auth
