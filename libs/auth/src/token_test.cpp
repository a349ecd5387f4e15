#include "market/auth/token.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <stdexcept>

#include <boost/json.hpp>

#include "market/common/base64url.hpp"

namespace market::auth {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::seconds;

// 2026-11-30T07:40:00Z
const Clock::time_point kNow{seconds(1796024400)};

// The keys of one deployment: the gateway's users key and listings' service key.
struct Keys {
  Ed25519PrivateKey users = Ed25519PrivateKey::Generate();
  Ed25519PrivateKey listings = Ed25519PrivateKey::Generate();
  std::shared_ptr<KeySet> set = std::make_shared<KeySet>();

  Keys() {
    REQUIRE(set->Add("users-1", KeyScope::Users(), users.PublicKey()).ok());
    REQUIRE(set->Add("listings-1", KeyScope::Service("listings"), listings.PublicKey()).ok());
  }
  TokenSigner UsersSigner() const { return TokenSigner("users-1", users); }
  TokenSigner ListingsSigner() const { return TokenSigner("listings-1", listings); }
  TokenVerifier Verifier(VerifierOptions options = {}) const { return TokenVerifier(set, options); }
};

const Keys& SharedKeys() {
  static const Keys keys;
  return keys;
}

// A token with any header and payload, signed with `key`: builds the hostile tokens the
// verifier must refuse.
std::string Forge(std::string_view header, std::string_view payload,
                  const Ed25519PrivateKey& key = SharedKeys().users) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(key.Sign(input));
}

// A token signed with HMAC over `digest`, keyed with `secret`: what an attacker who reads a
// public key file might try, misusing it as an HMAC secret.
std::string ForgeHmac(std::string_view header, std::string_view payload, const std::string& secret,
                      const EVP_MD* digest = EVP_sha256()) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digest, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), length));
}

constexpr std::string_view kEdDsa = R"({"alg":"EdDSA","typ":"JWT","kid":"users-1"})";

// Valid claims for kNow, with one claim replaced or removed.
std::string Claims(std::string_view name = "", const boost::json::value* replacement = nullptr) {
  boost::json::object claims{
      {"iss", "market"}, {"sub", "acct-7"},   {"roles", boost::json::array{"client"}},
      {"country", "DE"}, {"iat", 1796024000}, {"exp", 1796027600}};
  if (!name.empty()) {
    if (replacement != nullptr) {
      claims[name] = *replacement;
    } else {
      claims.erase(name);
    }
  }
  return boost::json::serialize(claims);
}

Principal Alice() {
  return Principal{.subject = "acct-alice",
                   .roles = {Role::kFreelancer, Role::kClient},
                   .country = "BR",
                   .expires_at = kNow + std::chrono::hours(1)};
}

Principal Operator() {
  return Principal{.subject = "acct-ops",
                   .roles = {Role::kOperator},
                   .country = "DE",
                   .expires_at = kNow + std::chrono::hours(1)};
}

Principal ListingsService() {
  return Principal{
      .subject = "listings", .roles = {Role::kService}, .expires_at = kNow + seconds(60)};
}

TEST_CASE("an issued token verifies back to the same principal", "[token]") {
  const Keys& keys = SharedKeys();
  const auto verifier = keys.Verifier();
  const auto principal = verifier.Verify(keys.UsersSigner().Issue(Alice()), kNow);
  REQUIRE(principal.ok());
  CHECK(principal->subject == "acct-alice");
  CHECK(principal->roles == std::vector<Role>{Role::kFreelancer, Role::kClient});
  CHECK(principal->country == "BR");
  CHECK(principal->expires_at == Alice().expires_at);

  const auto verified = verifier.Verify(keys.ListingsSigner().Issue(ListingsService()), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->subject == "listings");
  CHECK(verified->country.empty());
  CHECK(verified->HasRole(Role::kService));
}

TEST_CASE("an issued token is a standard EdDSA JWT with its kid and the documented claims",
          "[token]") {
  const std::string token = SharedKeys().UsersSigner().Issue(Alice());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const auto header = Base64UrlDecode(token.substr(0, first));
  const auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  const auto signature = Base64UrlDecode(token.substr(second + 1));
  REQUIRE(header.has_value());
  REQUIRE(payload.has_value());
  REQUIRE(signature.has_value());
  CHECK(boost::json::parse(*header) == boost::json::parse(kEdDsa));
  CHECK(signature->size() == 64);
  const auto claims = boost::json::parse(*payload).as_object();
  CHECK(claims.at("iss") == "market");
  CHECK(claims.at("sub") == "acct-alice");
  CHECK(claims.at("roles") == boost::json::array{"freelancer", "client"});
  CHECK(claims.at("country") == "BR");
  CHECK(claims.at("exp") == 1796024400 + 3600);
  const auto issued_at = claims.at("iat").as_int64();
  const auto now = std::chrono::duration_cast<seconds>(Clock::now().time_since_epoch()).count();
  CHECK(issued_at <= now);
  CHECK(issued_at >= now - 5);
}

TEST_CASE("a token is refused from its expiry on, with the configured leeway", "[token]") {
  const std::string token = SharedKeys().UsersSigner().Issue(Alice());
  const auto expiry = Alice().expires_at;
  const auto strict = SharedKeys().Verifier();
  CHECK(strict.Verify(token, expiry - seconds(1)).ok());
  CHECK(strict.Verify(token, expiry).status() == UnauthenticatedError("token expired"));
  CHECK(strict.Verify(token, expiry + std::chrono::hours(24)).status() ==
        UnauthenticatedError("token expired"));

  const auto lenient = SharedKeys().Verifier({.leeway = seconds(30)});
  CHECK(lenient.Verify(token, expiry + seconds(29)).ok());
  CHECK(lenient.Verify(token, expiry + seconds(30)).status() ==
        UnauthenticatedError("token expired"));
}

TEST_CASE("a cached token still expires, and the cache stays within its bound", "[token]") {
  const auto verifier = SharedKeys().Verifier({.cache_capacity = 3});
  const std::string token = SharedKeys().UsersSigner().Issue(Alice());
  REQUIRE(verifier.Verify(token, kNow).ok());
  CHECK(verifier.cached_tokens() == 1);
  CHECK(verifier.Verify(token, Alice().expires_at - seconds(1)).ok());
  CHECK(verifier.Verify(token, Alice().expires_at).status() ==
        UnauthenticatedError("token expired"));

  for (int i = 0; i < 10; ++i) {
    Principal principal = Alice();
    principal.subject = "acct-" + std::to_string(i);
    REQUIRE(verifier.Verify(SharedKeys().UsersSigner().Issue(principal), kNow).ok());
  }
  CHECK(verifier.cached_tokens() == 3);
  // Refusals are never cached: a bad token costs a verification every time.
  CHECK_FALSE(verifier.Verify("garbage.token.here", kNow).ok());
  CHECK(verifier.cached_tokens() == 3);
}

TEST_CASE("a tampered payload or signature, or another key under the same kid, fails", "[token]") {
  const std::string token = SharedKeys().UsersSigner().Issue(Alice());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const Status bad_signature = UnauthenticatedError("invalid token signature");
  const auto verifier = SharedKeys().Verifier();

  SECTION("payload rewritten to grant the operator role") {
    std::string claims = *Base64UrlDecode(token.substr(first + 1, second - first - 1));
    const auto at = claims.find("\"client\"");
    REQUIRE(at != std::string::npos);
    claims.replace(at, 8, "\"operator\"");
    const std::string forged =
        token.substr(0, first + 1) + Base64UrlEncode(claims) + token.substr(second);
    const auto result = verifier.Verify(forged, kNow);
    CHECK(result.status() == bad_signature);
    CHECK(result.status().message().find(token.substr(first + 1, 10)) == std::string::npos);
  }
  SECTION("one signature character changed") {
    std::string forged = token;
    forged[second + 1] = forged[second + 1] == 'A' ? 'B' : 'A';
    CHECK(verifier.Verify(forged, kNow).status() == bad_signature);
  }
  SECTION("signature truncated to 60 bytes") {
    const std::string signature = *Base64UrlDecode(token.substr(second + 1));
    const std::string truncated =
        token.substr(0, second + 1) + Base64UrlEncode(signature.substr(0, 60));
    CHECK(verifier.Verify(truncated, kNow).status() == bad_signature);
  }
  SECTION("signed by another key that claims the users kid") {
    const Ed25519PrivateKey stranger = Ed25519PrivateKey::Generate();
    CHECK(verifier.Verify(TokenSigner("users-1", stranger).Issue(Alice()), kNow).status() ==
          bad_signature);
  }
  SECTION("a kid the verifier does not know") {
    CHECK(
        verifier.Verify(TokenSigner("users-0", SharedKeys().users).Issue(Alice()), kNow).status() ==
        UnauthenticatedError("token is signed with an unknown key"));
    CHECK(verifier.Verify(Forge(R"({"alg":"EdDSA"})", Claims()), kNow).status() ==
          UnauthenticatedError("token names no signing key"));
  }
}

TEST_CASE("a key signs only what its scope allows: a service key cannot mint an operator",
          "[token]") {
  const Keys& keys = SharedKeys();
  const auto verifier = keys.Verifier();
  const Status refused = UnauthenticatedError("token claims more than its signing key may grant");

  SECTION("listings' key claiming the operator role") {
    const auto result = verifier.Verify(keys.ListingsSigner().Issue(Operator()), kNow);
    CHECK(result.status() == refused);
  }
  SECTION("listings' key claiming to be another service, or service plus operator") {
    Principal escrow = ListingsService();
    escrow.subject = "escrow";
    CHECK(verifier.Verify(keys.ListingsSigner().Issue(escrow), kNow).status() == refused);
    Principal both = ListingsService();
    both.roles.push_back(Role::kOperator);
    CHECK(verifier.Verify(keys.ListingsSigner().Issue(both), kNow).status() == refused);
  }
  SECTION("the users key claiming the service role") {
    CHECK(verifier.Verify(keys.UsersSigner().Issue(ListingsService()), kNow).status() == refused);
  }
  SECTION("the controls: each key within its scope") {
    CHECK(verifier.Verify(keys.UsersSigner().Issue(Operator()), kNow).ok());
    CHECK(verifier.Verify(keys.ListingsSigner().Issue(ListingsService()), kNow).ok());
  }
}

TEST_CASE("keys rotate: old tokens stay valid until they expire, new ones use the new key",
          "[token]") {
  const Ed25519PrivateKey old_key = Ed25519PrivateKey::Generate();
  const Ed25519PrivateKey new_key = Ed25519PrivateKey::Generate();
  // Step 1: every verifier learns the new key beside the old one, under the same scope.
  auto both = std::make_shared<KeySet>();
  REQUIRE(both->Add("users-2026-10", KeyScope::Users(), old_key.PublicKey()).ok());
  REQUIRE(both->Add("users-2026-11", KeyScope::Users(), new_key.PublicKey()).ok());
  const TokenVerifier verifier(both);
  const std::string old_token = TokenSigner("users-2026-10", old_key).Issue(Alice());

  // Step 2: the signer switches to the new key.
  const TokenSigner signer("users-2026-11", new_key);
  const std::string new_token = signer.Issue(Alice());
  const auto header =
      boost::json::parse(*Base64UrlDecode(new_token.substr(0, new_token.find('.'))));
  CHECK(header.at("kid") == "users-2026-11");
  CHECK(verifier.Verify(new_token, kNow).ok());
  CHECK(verifier.Verify(old_token, kNow).ok());
  CHECK(verifier.Verify(old_token, Alice().expires_at).status() ==
        UnauthenticatedError("token expired"));

  // Step 3: once the old tokens have expired, the old key leaves the set.
  auto only_new = std::make_shared<KeySet>();
  REQUIRE(only_new->Add("users-2026-11", KeyScope::Users(), new_key.PublicKey()).ok());
  const TokenVerifier after(only_new);
  CHECK(after.Verify(new_token, kNow).ok());
  CHECK(after.Verify(old_token, kNow).status() ==
        UnauthenticatedError("token is signed with an unknown key"));
}

TEST_CASE("only EdDSA is accepted, whatever the token's header asks for", "[token]") {
  const Status unsupported = UnauthenticatedError("unsupported token algorithm");
  const auto verifier = SharedKeys().Verifier();
  const std::string claims = Claims();
  const std::string public_pem = SharedKeys().users.PublicKey().Pem();
  SECTION("alg none without a signature") {
    const std::string token = Base64UrlEncode(R"({"alg":"none","typ":"JWT","kid":"users-1"})") +
                              "." + Base64UrlEncode(claims) + ".";
    CHECK(verifier.Verify(token, kNow).status() == unsupported);
  }
  SECTION("alg none with a valid Ed25519 signature") {
    CHECK(verifier.Verify(Forge(R"({"alg":"none","kid":"users-1"})", claims), kNow).status() ==
          unsupported);
  }
  SECTION("HS256 keyed with the public key, the key-confusion attack") {
    CHECK(verifier.Verify(ForgeHmac(R"({"alg":"HS256","kid":"users-1"})", claims, public_pem), kNow)
              .status() == unsupported);
    CHECK(verifier
              .Verify(
                  ForgeHmac(R"({"alg":"HS512","kid":"users-1"})", claims, public_pem, EVP_sha512()),
                  kNow)
              .status() == unsupported);
  }
  SECTION("other asymmetric algorithms") {
    for (const char* header :
         {R"({"alg":"ES256","kid":"users-1"})", R"({"alg":"RS256","kid":"users-1"})",
          R"({"alg":"Ed25519","kid":"users-1"})"}) {
      CAPTURE(header);
      CHECK(verifier.Verify(Forge(header, claims), kNow).status() == unsupported);
    }
  }
  SECTION("lower-case, missing or non-string alg") {
    CHECK(verifier.Verify(Forge(R"({"alg":"eddsa","kid":"users-1"})", claims), kNow).status() ==
          unsupported);
    CHECK(verifier.Verify(Forge(R"({"typ":"JWT","kid":"users-1"})", claims), kNow).status() ==
          unsupported);
    CHECK(verifier.Verify(Forge(R"({"alg":25519,"kid":"users-1"})", claims), kNow).status() ==
          unsupported);
  }
  SECTION("critical extensions this code does not know") {
    CHECK(
        verifier
            .Verify(Forge(R"({"alg":"EdDSA","kid":"users-1","crit":["b64"],"b64":false})", claims),
                    kNow)
            .status() == unsupported);
  }
  SECTION("a correctly forged EdDSA token is the control") {
    CHECK(verifier.Verify(Forge(kEdDsa, claims), kNow).ok());
  }
}

TEST_CASE("missing or ill-typed claims are refused", "[token]") {
  using boost::json::value;
  struct Row {
    std::string_view claim;
    std::optional<value> replacement;
    std::string message;
  };
  const Row rows[] = {
      {"exp", std::nullopt, R"(token claim "exp" is missing or not an integer)"},
      {"exp", value("1796027600"), R"(token claim "exp" is missing or not an integer)"},
      {"exp", value(1796027600.5), R"(token claim "exp" is missing or not an integer)"},
      {"iat", std::nullopt, R"(token claim "iat" is missing or not an integer)"},
      {"sub", std::nullopt, R"(token claim "sub" is missing or empty)"},
      {"sub", value(""), R"(token claim "sub" is missing or empty)"},
      {"sub", value(7), R"(token claim "sub" is missing or empty)"},
      {"roles", std::nullopt, R"(token claim "roles" is missing or not an array)"},
      {"roles", value("client"), R"(token claim "roles" is missing or not an array)"},
      {"roles", value(boost::json::array{"admin"}), R"(token claim "roles" holds an unknown role)"},
      {"roles", value(boost::json::array{"client", 1}),
       R"(token claim "roles" holds an unknown role)"},
      {"country", std::nullopt, R"(token claim "country" is missing or not a string)"},
      {"country", value(nullptr), R"(token claim "country" is missing or not a string)"},
      {"iss", std::nullopt, "token has a wrong issuer"},
      {"iss", value("someone-else"), "token has a wrong issuer"},
  };
  const auto verifier = SharedKeys().Verifier();
  REQUIRE(verifier.Verify(Forge(kEdDsa, Claims()), kNow).ok());
  for (const auto& row : rows) {
    CAPTURE(row.claim, row.message);
    const std::string claims = Claims(row.claim, row.replacement ? &*row.replacement : nullptr);
    CHECK(verifier.Verify(Forge(kEdDsa, claims), kNow).status() ==
          UnauthenticatedError(row.message));
  }
}

TEST_CASE("malformed tokens are refused without echoing them", "[token]") {
  const Status malformed = UnauthenticatedError("malformed token");
  const std::string good = Forge(kEdDsa, Claims());
  const auto first = good.find('.');
  const auto second = good.find('.', first + 1);
  const std::string rows[] = {
      "",
      "abc",
      "a.b",
      good + ".extra",
      "..",
      "Zm9v+.eyJ9.sig",                                          // bad base64 header
      Base64UrlEncode(kEdDsa) + "=." + good.substr(first + 1),   // padded header
      "bm90IGpzb24." + good.substr(first + 1),                   // header not JSON
      Base64UrlEncode("[1,2]") + "." + good.substr(first + 1),   // header not an object
      good.substr(0, second + 1) + "not*base64",                 // bad base64 signature
      Forge(kEdDsa, "not json"),                                 // payload not JSON
      Forge(kEdDsa, "[\"sub\"]"),                                // payload not an object
      good.substr(0, first + 1) + "e30*" + good.substr(second),  // bad base64 payload
      std::string(9000, 'a') + "." + good.substr(first + 1),     // far too long
  };
  const auto verifier = SharedKeys().Verifier();
  for (const auto& token : rows) {
    CAPTURE(token);
    const auto result = verifier.Verify(token, kNow);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == StatusCode::kUnauthenticated);
    if (token.size() > 3) CHECK(result.status().message().find(token) == std::string::npos);
  }
  CHECK(verifier.Verify("", kNow).status() == malformed);
  CHECK(verifier.Verify("a.b", kNow).status() == malformed);
  CHECK(verifier.Verify(good + ".extra", kNow).status() == malformed);
  CHECK(verifier.Verify(good.substr(0, second + 1) + "not*base64", kNow).status() == malformed);
  CHECK(verifier.Verify(Forge(kEdDsa, "not json"), kNow).status() == malformed);
}

TEST_CASE("the Authorization header must carry a bearer token", "[token]") {
  const std::string token = SharedKeys().UsersSigner().Issue(Alice());
  const auto verifier = SharedKeys().Verifier();
  const Status missing = UnauthenticatedError("missing bearer token");
  SECTION("accepted spellings") {
    for (const std::string& header : {"Bearer " + token, "bearer " + token, "BEARER  " + token}) {
      CAPTURE(header);
      const auto principal = verifier.VerifyAuthorizationHeader(header, kNow);
      REQUIRE(principal.ok());
      CHECK(principal->subject == "acct-alice");
    }
  }
  SECTION("no bearer token") {
    for (const std::string& header :
         {std::string(""), std::string("Bearer"), std::string("Bearer "), std::string("Bearer   "),
          "Basic " + token, "Token " + token, token, "Bearer:" + token, "Bearerx " + token}) {
      CAPTURE(header);
      CHECK(verifier.VerifyAuthorizationHeader(header, kNow).status() == missing);
    }
  }
  SECTION("a bearer token that fails verification keeps its reason") {
    CHECK(verifier.VerifyAuthorizationHeader("Bearer " + token, Alice().expires_at).status() ==
          UnauthenticatedError("token expired"));
    CHECK(verifier.VerifyAuthorizationHeader("Bearer garbage", kNow).status() ==
          UnauthenticatedError("malformed token"));
  }
}

TEST_CASE("a signer refuses a malformed kid, a verifier a missing key set", "[token]") {
  CHECK_THROWS_AS(TokenSigner("", SharedKeys().users), std::invalid_argument);
  CHECK_THROWS_AS(TokenSigner("users 1", SharedKeys().users), std::invalid_argument);
  CHECK_THROWS_AS(TokenVerifier(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace market::auth
