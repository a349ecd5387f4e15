// Signed, expiring access tokens: JSON Web Tokens (RFC 7519) signed with Ed25519 ("EdDSA",
// RFC 8037), carrying a Principal.
//
// The gateway signs user tokens at login with its users key; each service signs its own service
// tokens with its own key (service_tokens.hpp); every process verifies with the key set it
// trusts (key_set.hpp):
//
//   market::auth::TokenSigner signer("users-2026-11", *std::move(private_key));
//   const std::string token = signer.Issue({.subject = account_id,
//                                           .roles = {market::auth::Role::kClient},
//                                           .country = "DE",
//                                           .expires_at = now + std::chrono::minutes(15)});
//
//   market::auth::TokenVerifier verifier(key_set);
//   auto principal = verifier.VerifyAuthorizationHeader(request[http::field::authorization]);
//   if (!principal.ok()) return principal.status();   // unauthenticated
//
// Header: alg "EdDSA", typ "JWT", kid. Claims: sub, roles (array of role names), country, iat,
// exp (seconds since the epoch) and iss "market". The algorithm is pinned: a token naming
// "none", HS256 or anything but EdDSA is refused before its signature is looked at, which closes
// the algorithm-confusion attacks. A token is accepted only when its kid is in the key set AND
// that key's scope allows the token's claims, so a service key cannot mint an operator. Token
// text never appears in an error message.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "market/auth/ed25519.hpp"
#include "market/auth/key_set.hpp"
#include "market/auth/principal.hpp"
#include "market/auth/token_cache.hpp"
#include "market/common/statusor.hpp"

namespace market::auth {

// The issuer every token carries and every verifier demands.
inline constexpr std::string_view kTokenIssuer = "market";
// The one algorithm tokens are signed with (RFC 8037 section 3.1).
inline constexpr std::string_view kTokenAlgorithm = "EdDSA";

class TokenSigner {
 public:
  // Throws std::invalid_argument when `kid` breaks ValidateKid's rule.
  TokenSigner(std::string kid, Ed25519PrivateKey key);
  // expires_at is taken from the principal, truncated to whole seconds; iat is now. The signer
  // does not check the claims against its key's scope: verifiers do, and refuse what it may not
  // sign.
  std::string Issue(const Principal& principal) const;
  const std::string& kid() const { return kid_; }
  Ed25519PublicKey PublicKey() const { return key_.PublicKey(); }

 private:
  std::string kid_;
  Ed25519PrivateKey key_;
};

struct VerifierOptions {
  // Tolerates clock skew between the issuing and the verifying machine.
  std::chrono::seconds leeway{0};
  // Verified tokens remembered until they expire (token_cache.hpp); 0 turns the cache off.
  std::size_t cache_capacity = 10000;
};

class TokenVerifier {
 public:
  // Throws std::invalid_argument when `keys` is null.
  explicit TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierOptions options = {});

  // unauthenticated for a malformed token, an algorithm other than EdDSA, an unknown kid, a bad
  // signature, claims the key's scope does not allow, an expired token, missing or ill-typed
  // claims, an unknown role or a wrong issuer.
  StatusOr<Principal> Verify(std::string_view token, std::chrono::system_clock::time_point now =
                                                         std::chrono::system_clock::now()) const;

  // Accepts "Bearer <token>" (the scheme in any letter case, RFC 7235); an empty header or
  // another scheme is unauthenticated "missing bearer token".
  StatusOr<Principal> VerifyAuthorizationHeader(
      std::string_view header,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  const KeySet& keys() const { return *keys_; }
  std::size_t cached_tokens() const { return cache_->size(); }

 private:
  StatusOr<Principal> VerifyUncached(std::string_view token,
                                     std::chrono::system_clock::time_point now) const;

  std::shared_ptr<const KeySet> keys_;
  std::chrono::seconds leeway_;
  // Behind a pointer so that Verify stays const (the cache is this object's memo, not its state).
  std::unique_ptr<TokenCache> cache_;
};

}  // namespace market::auth
