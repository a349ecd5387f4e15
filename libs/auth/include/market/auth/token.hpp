// Signed, expiring access tokens: HS256 JSON Web Tokens (RFC 7519) carrying a Principal.
//
// The gateway issues a token at login; every service verifies it on every call:
//
//   market::auth::TokenSigner signer(secret);
//   const std::string token = signer.Issue({.subject = account_id,
//                                           .roles = {market::auth::Role::kClient},
//                                           .country = "DE",
//                                           .expires_at = now + std::chrono::hours(1)});
//
//   market::auth::TokenVerifier verifier(secret);
//   auto principal = verifier.VerifyAuthorizationHeader(request[http::field::authorization]);
//   if (!principal.ok()) return principal.status();   // unauthenticated
//
// Claims: sub, roles (array of role names), country, iat, exp (seconds since the epoch) and
// iss "market". Only HS256 is accepted: a token naming "none" or any other algorithm is
// rejected before its signature is looked at, which closes the algorithm-confusion attacks.
// Token text never appears in an error message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "market/auth/principal.hpp"
#include "market/common/statusor.hpp"

namespace market::auth {

// The issuer every token carries and every verifier demands.
inline constexpr std::string_view kTokenIssuer = "market";
// HMAC-SHA256 keys shorter than this are guessable; a shorter secret is a configuration bug.
inline constexpr std::size_t kMinSecretBytes = 32;

class TokenSigner {
 public:
  // Throws std::invalid_argument when `secret` is shorter than kMinSecretBytes.
  explicit TokenSigner(std::string secret);
  // expires_at is taken from the principal, truncated to whole seconds; iat is now.
  std::string Issue(const Principal& principal) const;

 private:
  std::string secret_;
};

class TokenVerifier {
 public:
  // Throws std::invalid_argument when `secret` is shorter than kMinSecretBytes. `leeway`
  // tolerates clock skew between the issuing and the verifying machine.
  explicit TokenVerifier(std::string secret, std::chrono::seconds leeway = std::chrono::seconds(0));

  // unauthenticated for a malformed token, an algorithm other than HS256, a bad signature
  // (compared in constant time), an expired token, missing or ill-typed claims, an unknown
  // role or a wrong issuer.
  StatusOr<Principal> Verify(std::string_view token, std::chrono::system_clock::time_point now =
                                                         std::chrono::system_clock::now()) const;

  // Accepts "Bearer <token>" (the scheme in any letter case, RFC 7235); an empty header or
  // another scheme is unauthenticated "missing bearer token".
  StatusOr<Principal> VerifyAuthorizationHeader(
      std::string_view header,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::string secret_;
  std::chrono::seconds leeway_;
};

}  // namespace market::auth
