#include "market/auth/token.hpp"

#include <cctype>
#include <stdexcept>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "market/common/base64url.hpp"

namespace market::auth {
namespace {

using Clock = std::chrono::system_clock;

// Far larger than any token this code issues; bounds the work an attacker can ask for.
constexpr std::size_t kMaxTokenBytes = 8192;

std::optional<boost::json::object> DecodeObject(std::string_view segment) {
  const auto bytes = Base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  boost::json::error_code ec;
  auto value = boost::json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

Status MalformedToken() { return UnauthenticatedError("malformed token"); }

Status BadClaim(std::string_view claim, std::string_view rule) {
  return UnauthenticatedError("token claim \"" + std::string(claim) + "\" " + std::string(rule));
}

const boost::json::string* StringClaim(const boost::json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  return value != nullptr ? value->if_string() : nullptr;
}

std::optional<std::int64_t> IntegerClaim(const boost::json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (const auto* integer = value->if_int64()) return *integer;
  return std::nullopt;
}

StatusOr<Principal> PrincipalFromClaims(const boost::json::object& claims, Clock::time_point now,
                                        std::chrono::seconds leeway) {
  const auto* issuer = StringClaim(claims, "iss");
  if (issuer == nullptr || *issuer != kTokenIssuer) {
    return UnauthenticatedError("token has a wrong issuer");
  }
  const auto expires = IntegerClaim(claims, "exp");
  if (!expires) return BadClaim("exp", "is missing or not an integer");
  if (!IntegerClaim(claims, "iat")) return BadClaim("iat", "is missing or not an integer");
  const Clock::time_point expires_at{std::chrono::seconds(*expires)};
  // RFC 7519 section 4.1.4: the token must not be accepted on or after its exp.
  if (now >= expires_at + leeway) return UnauthenticatedError("token expired");

  Principal principal;
  principal.expires_at = expires_at;
  const auto* subject = StringClaim(claims, "sub");
  if (subject == nullptr || subject->empty()) return BadClaim("sub", "is missing or empty");
  principal.subject = std::string(*subject);
  const auto* country = StringClaim(claims, "country");
  if (country == nullptr) return BadClaim("country", "is missing or not a string");
  principal.country = std::string(*country);
  const auto* roles_value = claims.if_contains("roles");
  const auto* roles = roles_value != nullptr ? roles_value->if_array() : nullptr;
  if (roles == nullptr) return BadClaim("roles", "is missing or not an array");
  for (const auto& element : *roles) {
    const auto* name = element.if_string();
    const auto role = name != nullptr ? RoleFromName(*name) : std::nullopt;
    if (!role) return BadClaim("roles", "holds an unknown role");
    principal.roles.push_back(*role);
  }
  return principal;
}

}  // namespace

TokenSigner::TokenSigner(std::string kid, Ed25519PrivateKey key)
    : kid_(std::move(kid)), key_(std::move(key)) {
  if (!ValidateKid(kid_).ok()) throw std::invalid_argument("TokenSigner: malformed key id");
}

std::string TokenSigner::Issue(const Principal& principal) const {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  boost::json::object header;
  header["alg"] = kTokenAlgorithm;
  header["typ"] = "JWT";
  header["kid"] = kid_;
  boost::json::array roles;
  for (const Role role : principal.roles) roles.emplace_back(RoleName(role));
  boost::json::object claims;
  claims["iss"] = kTokenIssuer;
  claims["sub"] = principal.subject;
  claims["roles"] = std::move(roles);
  claims["country"] = principal.country;
  claims["iat"] = duration_cast<seconds>(Clock::now().time_since_epoch()).count();
  claims["exp"] = duration_cast<seconds>(principal.expires_at.time_since_epoch()).count();

  std::string token = Base64UrlEncode(boost::json::serialize(header));
  token += '.';
  token += Base64UrlEncode(boost::json::serialize(claims));
  const std::string signature = key_.Sign(token);
  token += '.';
  token += Base64UrlEncode(signature);
  return token;
}

TokenVerifier::TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierOptions options)
    : keys_(std::move(keys)),
      leeway_(options.leeway),
      cache_(std::make_unique<TokenCache>(options.cache_capacity)) {
  if (!keys_) throw std::invalid_argument("TokenVerifier needs a key set");
}

StatusOr<Principal> TokenVerifier::Verify(std::string_view token, Clock::time_point now) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return MalformedToken();
  // Only tokens that passed every check below are cached, each until its expiry (plus leeway):
  // a hit is exactly as good as verifying again.
  if (auto cached = cache_->Find(token, now)) return *std::move(cached);
  auto verified = VerifyUncached(token, now);
  if (verified.ok()) cache_->Insert(token, *verified, verified->expires_at + leeway_);
  return verified;
}

StatusOr<Principal> TokenVerifier::VerifyUncached(std::string_view token,
                                                  Clock::time_point now) const {
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return MalformedToken();
  }
  const std::string_view header_segment = token.substr(0, first_dot);
  const std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = token.substr(second_dot + 1);

  // The algorithm is fixed by this verifier, not chosen by the token: anything but EdDSA
  // ("none", HS256 with a public key misused as an HMAC secret, ES256) is refused outright.
  const auto header = DecodeObject(header_segment);
  if (!header) return MalformedToken();
  const auto* algorithm = StringClaim(*header, "alg");
  if (algorithm == nullptr || *algorithm != kTokenAlgorithm) {
    return UnauthenticatedError("unsupported token algorithm");
  }
  // RFC 7515 section 4.1.11: extensions named in "crit" must be understood; this code knows none.
  if (header->contains("crit")) return UnauthenticatedError("unsupported token algorithm");
  const auto* kid = StringClaim(*header, "kid");
  if (kid == nullptr) return UnauthenticatedError("token names no signing key");
  const KeySet::Entry* key = keys_->Find(*kid);
  if (key == nullptr) return UnauthenticatedError("token is signed with an unknown key");

  const auto signature = Base64UrlDecode(signature_segment);
  if (!signature) return MalformedToken();
  if (!key->key.Verify(token.substr(0, second_dot), *signature)) {
    return UnauthenticatedError("invalid token signature");
  }

  const auto claims = DecodeObject(payload_segment);
  if (!claims) return MalformedToken();
  MARKET_ASSIGN_OR_RETURN(Principal principal, PrincipalFromClaims(*claims, now, leeway_));
  // A genuine signature proves only which key signed; the key's scope says what it may sign.
  if (!key->scope.Allows(principal)) {
    return UnauthenticatedError("token claims more than its signing key may grant");
  }
  return principal;
}

StatusOr<Principal> TokenVerifier::VerifyAuthorizationHeader(std::string_view header,
                                                             Clock::time_point now) const {
  constexpr std::string_view kScheme = "bearer";
  const auto space = header.find(' ');
  if (space != kScheme.size()) return UnauthenticatedError("missing bearer token");
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) {
      return UnauthenticatedError("missing bearer token");
    }
  }
  std::string_view token = header.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return UnauthenticatedError("missing bearer token");
  return Verify(token, now);
}

}  // namespace market::auth
