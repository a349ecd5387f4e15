#include "market/auth/token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
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
constexpr std::size_t kSignatureBytes = 32;
// {"alg":"HS256","typ":"JWT"}, the only header this code writes.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string CheckedSecret(std::string secret) {
  if (secret.size() < kMinSecretBytes) {
    throw std::invalid_argument("token secret must be at least 32 bytes");
  }
  return secret;
}

std::array<unsigned char, kSignatureBytes> Sign(std::string_view secret,
                                                std::string_view signing_input) {
  std::array<unsigned char, kSignatureBytes> mac{};
  unsigned int length = 0;
  const unsigned char* result = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                                     signing_input.size(), mac.data(), &length);
  if (result == nullptr || length != mac.size()) throw std::runtime_error("HMAC-SHA256 failed");
  return mac;
}

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

TokenSigner::TokenSigner(std::string secret) : secret_(CheckedSecret(std::move(secret))) {}

std::string TokenSigner::Issue(const Principal& principal) const {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  boost::json::array roles;
  for (const Role role : principal.roles) roles.emplace_back(RoleName(role));
  boost::json::object claims;
  claims["iss"] = kTokenIssuer;
  claims["sub"] = principal.subject;
  claims["roles"] = std::move(roles);
  claims["country"] = principal.country;
  claims["iat"] = duration_cast<seconds>(Clock::now().time_since_epoch()).count();
  claims["exp"] = duration_cast<seconds>(principal.expires_at.time_since_epoch()).count();

  std::string token = Base64UrlEncode(kHeader);
  token += '.';
  token += Base64UrlEncode(boost::json::serialize(claims));
  const auto mac = Sign(secret_, token);
  token += '.';
  token += Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

TokenVerifier::TokenVerifier(std::string secret, std::chrono::seconds leeway)
    : secret_(CheckedSecret(std::move(secret))), leeway_(leeway) {}

StatusOr<Principal> TokenVerifier::Verify(std::string_view token, Clock::time_point now) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return MalformedToken();
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return MalformedToken();
  }
  const std::string_view header_segment = token.substr(0, first_dot);
  const std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = token.substr(second_dot + 1);

  // The algorithm is fixed by this verifier, not chosen by the token: anything but HS256
  // ("none", HS512, RS256 with the secret misused as a public key) is refused outright.
  const auto header = DecodeObject(header_segment);
  if (!header) return MalformedToken();
  const auto* algorithm = StringClaim(*header, "alg");
  if (algorithm == nullptr || *algorithm != "HS256") {
    return UnauthenticatedError("unsupported token algorithm");
  }
  // RFC 7515 section 4.1.11: extensions named in "crit" must be understood; this code knows none.
  if (header->contains("crit")) return UnauthenticatedError("unsupported token algorithm");

  const auto signature = Base64UrlDecode(signature_segment);
  if (!signature) return MalformedToken();
  const auto expected = Sign(secret_, token.substr(0, second_dot));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return UnauthenticatedError("invalid token signature");
  }

  const auto claims = DecodeObject(payload_segment);
  if (!claims) return MalformedToken();
  return PrincipalFromClaims(*claims, now, leeway_);
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
