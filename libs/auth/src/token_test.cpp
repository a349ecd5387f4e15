#include "market/auth/token.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include <boost/json.hpp>

#include "market/common/base64url.hpp"

namespace market::auth {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::seconds;

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kOtherSecret = "fedcba9876543210fedcba9876543210";
// 2026-11-30T07:40:00Z
const Clock::time_point kNow{seconds(1796024400)};

// A token with any header and payload, signed with HMAC over `digest`; builds the hostile
// tokens the verifier must refuse.
std::string Forge(std::string_view header, std::string_view payload,
                  const std::string& secret = kSecret, const EVP_MD* digest = EVP_sha256()) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digest, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), length));
}

constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";

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

TEST_CASE("an issued token verifies back to the same principal", "[token]") {
  const TokenSigner signer(kSecret);
  const TokenVerifier verifier(kSecret);
  const auto principal = verifier.Verify(signer.Issue(Alice()), kNow);
  REQUIRE(principal.ok());
  CHECK(principal->subject == "acct-alice");
  CHECK(principal->roles == std::vector<Role>{Role::kFreelancer, Role::kClient});
  CHECK(principal->country == "BR");
  CHECK(principal->expires_at == Alice().expires_at);

  Principal service{
      .subject = "escrow", .roles = {Role::kService}, .expires_at = kNow + seconds(60)};
  const auto verified = verifier.Verify(signer.Issue(service), kNow);
  REQUIRE(verified.ok());
  CHECK(verified->subject == "escrow");
  CHECK(verified->country.empty());
  CHECK(verified->HasRole(Role::kService));
}

TEST_CASE("an issued token is a standard HS256 JWT with the documented claims", "[token]") {
  const std::string token = TokenSigner(kSecret).Issue(Alice());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const auto header = Base64UrlDecode(token.substr(0, first));
  const auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  REQUIRE(header.has_value());
  REQUIRE(payload.has_value());
  CHECK(boost::json::parse(*header) == boost::json::parse(kHs256));
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
  const std::string token = TokenSigner(kSecret).Issue(Alice());
  const auto expiry = Alice().expires_at;
  const TokenVerifier strict(kSecret);
  CHECK(strict.Verify(token, expiry - seconds(1)).ok());
  CHECK(strict.Verify(token, expiry).status() == UnauthenticatedError("token expired"));
  CHECK(strict.Verify(token, expiry + std::chrono::hours(24)).status() ==
        UnauthenticatedError("token expired"));

  const TokenVerifier lenient(kSecret, seconds(30));
  CHECK(lenient.Verify(token, expiry + seconds(29)).ok());
  CHECK(lenient.Verify(token, expiry + seconds(30)).status() ==
        UnauthenticatedError("token expired"));
}

TEST_CASE("a tampered payload or signature, or another secret, fails the signature", "[token]") {
  const std::string token = TokenSigner(kSecret).Issue(Alice());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const Status bad_signature = UnauthenticatedError("invalid token signature");
  const TokenVerifier verifier(kSecret);

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
  SECTION("signature truncated to 30 bytes") {
    CHECK(verifier.Verify(token.substr(0, token.size() - 3), kNow).status() == bad_signature);
  }
  SECTION("signature of another secret") {
    CHECK(TokenVerifier(kOtherSecret).Verify(token, kNow).status() == bad_signature);
    CHECK(verifier.Verify(TokenSigner(kOtherSecret).Issue(Alice()), kNow).status() ==
          bad_signature);
  }
}

TEST_CASE("only HS256 is accepted, whatever the token's header asks for", "[token]") {
  const Status unsupported = UnauthenticatedError("unsupported token algorithm");
  const TokenVerifier verifier(kSecret);
  const std::string claims = Claims();
  SECTION("alg none without a signature") {
    const std::string token =
        Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + Base64UrlEncode(claims) + ".";
    CHECK(verifier.Verify(token, kNow).status() == unsupported);
  }
  SECTION("alg none with a valid HS256 signature") {
    CHECK(verifier.Verify(Forge(R"({"alg":"none"})", claims), kNow).status() == unsupported);
  }
  SECTION("HS512 signed with the right secret") {
    CHECK(verifier.Verify(Forge(R"({"alg":"HS512"})", claims, kSecret, EVP_sha512()), kNow)
              .status() == unsupported);
  }
  SECTION("RS256, the key-confusion attack") {
    CHECK(verifier.Verify(Forge(R"({"alg":"RS256"})", claims), kNow).status() == unsupported);
  }
  SECTION("lower-case, missing or non-string alg") {
    CHECK(verifier.Verify(Forge(R"({"alg":"hs256"})", claims), kNow).status() == unsupported);
    CHECK(verifier.Verify(Forge(R"({"typ":"JWT"})", claims), kNow).status() == unsupported);
    CHECK(verifier.Verify(Forge(R"({"alg":256})", claims), kNow).status() == unsupported);
  }
  SECTION("critical extensions this code does not know") {
    CHECK(verifier.Verify(Forge(R"({"alg":"HS256","crit":["b64"],"b64":false})", claims), kNow)
              .status() == unsupported);
  }
  SECTION("a correctly forged HS256 token is the control") {
    CHECK(verifier.Verify(Forge(kHs256, claims), kNow).ok());
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
  const TokenVerifier verifier(kSecret);
  REQUIRE(verifier.Verify(Forge(kHs256, Claims()), kNow).ok());
  for (const auto& row : rows) {
    CAPTURE(row.claim, row.message);
    const std::string claims = Claims(row.claim, row.replacement ? &*row.replacement : nullptr);
    CHECK(verifier.Verify(Forge(kHs256, claims), kNow).status() ==
          UnauthenticatedError(row.message));
  }
}

TEST_CASE("malformed tokens are refused without echoing them", "[token]") {
  const Status malformed = UnauthenticatedError("malformed token");
  const std::string good = Forge(kHs256, Claims());
  const auto first = good.find('.');
  const auto second = good.find('.', first + 1);
  const std::string rows[] = {
      "",
      "abc",
      "a.b",
      good + ".extra",
      "..",
      "Zm9v+.eyJ9.sig",                                          // bad base64 header
      "eyJhbGciOiJIUzI1NiJ9=." + good.substr(first + 1),         // padded header
      "bm90IGpzb24." + good.substr(first + 1),                   // header not JSON
      Base64UrlEncode("[1,2]") + "." + good.substr(first + 1),   // header not an object
      good.substr(0, second + 1) + "not*base64",                 // bad base64 signature
      Forge(kHs256, "not json"),                                 // payload not JSON
      Forge(kHs256, "[\"sub\"]"),                                // payload not an object
      good.substr(0, first + 1) + "e30*" + good.substr(second),  // bad base64 payload
      std::string(9000, 'a') + "." + good.substr(first + 1),     // far too long
  };
  const TokenVerifier verifier(kSecret);
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
  CHECK(verifier.Verify(Forge(kHs256, "not json"), kNow).status() == malformed);
}

TEST_CASE("the Authorization header must carry a bearer token", "[token]") {
  const std::string token = TokenSigner(kSecret).Issue(Alice());
  const TokenVerifier verifier(kSecret);
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

TEST_CASE("a secret shorter than 32 bytes is a configuration bug", "[token]") {
  CHECK_THROWS_AS(TokenSigner(""), std::invalid_argument);
  CHECK_THROWS_AS(TokenSigner(std::string(31, 'k')), std::invalid_argument);
  CHECK_THROWS_AS(TokenVerifier(std::string(31, 'k')), std::invalid_argument);
  CHECK_NOTHROW(TokenSigner(std::string(32, 'k')));
  CHECK_NOTHROW(TokenVerifier(std::string(32, 'k')));
}

}  // namespace
}  // namespace market::auth
