#include "market/runtime/service_config.hpp"

#include <catch2/catch.hpp>

#include "market/auth/authorize.hpp"
#include "market/testing/token_keys.hpp"

namespace market::runtime {
namespace {

using Vars = std::map<std::string, std::string>;

constexpr ServiceIdentity kListings{.name = "listings",
                                    .full_service_name = "market.listings.v1.ListingsService",
                                    .default_port = 8081};
constexpr ServiceIdentity kGateway{.name = "gateway",
                                   .full_service_name = "market.identity.v1.IdentityService",
                                   .default_port = 8080,
                                   .signs_user_tokens = true};

StatusOr<ServiceConfig> Load(const ServiceIdentity& identity, Vars vars) {
  config::Env env(std::move(vars));
  return LoadServiceConfig(identity, env);
}

Vars With(Vars base, const Vars& more) {
  for (const auto& [name, value] : more) base[name] = value;
  return base;
}

std::string MessageOf(const StatusOr<ServiceConfig>& config) {
  return config.ok() ? std::string() : config.status().message();
}

TEST_CASE("loopback addresses are told apart from the others", "[config]") {
  for (const char* address : {"127.0.0.1", "127.0.0.53", "::1", "localhost"}) {
    CAPTURE(address);
    CHECK(IsLoopbackAddress(address));
  }
  for (const char* address : {"0.0.0.0", "::", "10.0.0.7", "192.168.1.1", "example.com", ""}) {
    CAPTURE(address);
    CHECK_FALSE(IsLoopbackAddress(address));
  }
}

TEST_CASE("on loopback without keys, local processes share development keys", "[config]") {
  const auto gateway = Load(kGateway, {});
  const auto listings = Load(kListings, {{"MARKET_HTTP_ADDRESS", "::1"}});
  REQUIRE(gateway.ok());
  REQUIRE(listings.ok());
  CHECK(gateway->tokens.development);
  REQUIRE(gateway->tokens.signer != nullptr);
  REQUIRE(listings->tokens.signer != nullptr);

  // The gateway's user tokens verify at listings, and listings' service tokens at the gateway.
  const auth::TokenVerifier at_listings(listings->tokens.verify_keys);
  const auth::TokenVerifier at_gateway(gateway->tokens.verify_keys);
  const auto expires = std::chrono::system_clock::now() + std::chrono::minutes(5);
  const std::string user_token = gateway->tokens.signer->Issue({.subject = "acct-1",
                                                                .roles = {auth::Role::kClient},
                                                                .country = "DE",
                                                                .expires_at = expires});
  CHECK(at_listings.Verify(user_token).ok());
  const auth::ServiceTokens service_tokens(listings->tokens.signer, "listings");
  CHECK(at_gateway.VerifyAuthorizationHeader(service_tokens.AuthorizationHeader()).ok());
  // Listings' development key is a service key: it cannot speak for a user.
  CHECK(at_gateway
            .Verify(listings->tokens.signer->Issue(
                {.subject = "acct-1", .roles = {auth::Role::kOperator}, .expires_at = expires}))
            .status()
            .code() == StatusCode::kUnauthenticated);
}

TEST_CASE("off loopback, missing keys and a missing database password refuse the start",
          "[config]") {
  const auto config = Load(kListings, {{"MARKET_HTTP_ADDRESS", "0.0.0.0"}});
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(config),
             Catch::Contains("MARKET_PG_PASSWORD: must be set when MARKET_HTTP_ADDRESS is not "
                             "loopback"));
  CHECK_THAT(MessageOf(config),
             Catch::Contains("MARKET_TOKEN_VERIFY_KEYS: must be set (with "
                             "MARKET_TOKEN_SIGNING_KEY and MARKET_TOKEN_SIGNING_KID) when "
                             "MARKET_HTTP_ADDRESS is not loopback"));

  const auto& keys = testing::SharedTestTokenKeys();
  const auto configured =
      Load(kListings, With(keys.EnvFor("listings"), {{"MARKET_HTTP_ADDRESS", "0.0.0.0"},
                                                     {"MARKET_PG_PASSWORD", "from-a-vault"}}));
  INFO(MessageOf(configured));
  REQUIRE(configured.ok());
  CHECK_FALSE(configured->tokens.development);
  CHECK(configured->tokens.signer->kid() == "test-service-listings");
  CHECK(configured->tokens.verify_keys->size() == 6);
}

TEST_CASE("MARKET_TOKEN_SECRET is refused, saying what replaced it", "[config]") {
  const auto config =
      Load(kListings, {{"MARKET_TOKEN_SECRET", "an-old-shared-secret-of-32-bytes"}});
  REQUIRE_FALSE(config.ok());
  CHECK_THAT(MessageOf(config),
             Catch::Contains("MARKET_TOKEN_SECRET: is retired; tokens are signed with Ed25519 "
                             "keys now: set MARKET_TOKEN_SIGNING_KEY, MARKET_TOKEN_SIGNING_KID "
                             "and MARKET_TOKEN_VERIFY_KEYS"));
  CHECK(MessageOf(config).find("an-old-shared-secret") == std::string::npos);
}

TEST_CASE("the two Redis roles are set apart, and the single-Redis names are refused", "[config]") {
  const auto config = Load(kListings, {{"MARKET_REDIS_EVENTS_PORT", "7001"},
                                       {"MARKET_REDIS_CACHE_HOST", "cache.internal"},
                                       {"MARKET_REDIS_CACHE_PORT", "7002"}});
  REQUIRE(config.ok());
  CHECK(config->redis_events.host == "127.0.0.1");
  CHECK(config->redis_events.port == 7001);
  CHECK(config->redis_cache.host == "cache.internal");
  CHECK(config->redis_cache.port == 7002);

  const auto retired = Load(kListings, {{"MARKET_REDIS_PORT", "6379"}});
  REQUIRE_FALSE(retired.ok());
  CHECK_THAT(MessageOf(retired),
             Catch::Contains("MARKET_REDIS_PORT: is retired; set MARKET_REDIS_EVENTS_*"));
}

TEST_CASE("inconsistent token keys are refused naming the variable and the rule", "[config]") {
  const auto& keys = testing::SharedTestTokenKeys();
  struct Row {
    const ServiceIdentity& identity;
    Vars vars;
    std::string message;
  };
  const Row rows[] = {
      {kListings,
       {{"MARKET_TOKEN_SIGNING_KEY", keys.EnvFor("listings")["MARKET_TOKEN_SIGNING_KEY"]}},
       "MARKET_TOKEN_VERIFY_KEYS: must be set when a signing key is"},
      {kListings, With(keys.EnvFor("listings"), {{"MARKET_TOKEN_SIGNING_KID", ""}}),
       "MARKET_TOKEN_SIGNING_KID: must be set together with MARKET_TOKEN_SIGNING_KEY"},
      {kListings, With(keys.EnvFor("listings"), {{"MARKET_TOKEN_SIGNING_KID", "nobody"}}),
       "MARKET_TOKEN_SIGNING_KID: key id \"nobody\" is not in MARKET_TOKEN_VERIFY_KEYS"},
      {kListings, keys.EnvFor("users"),
       "MARKET_TOKEN_SIGNING_KID: key \"test-users\" has scope users, but this process signs "
       "with a service=listings key"},
      {kGateway, keys.EnvFor("gateway"),
       "MARKET_TOKEN_SIGNING_KID: key \"test-service-gateway\" has scope service=gateway, but "
       "this process signs with a users key"},
      {kListings,
       With(keys.EnvFor("listings"),
            {{"MARKET_TOKEN_SIGNING_KEY", keys.EnvFor("escrow")["MARKET_TOKEN_SIGNING_KEY"]}}),
       "MARKET_TOKEN_SIGNING_KEY: is not the private half of the public key"},
      {kGateway,
       {{"MARKET_TOKEN_VERIFY_KEYS", keys.VerifyKeys()}},
       "MARKET_TOKEN_SIGNING_KEY: must be set: the gateway signs user tokens with the users key"},
      {kListings, With(keys.EnvFor("listings"), {{"MARKET_TOKEN_SIGNING_KEY", "/no/such.pem"}}),
       "MARKET_TOKEN_SIGNING_KEY: cannot read key file \"/no/such.pem\""},
      {kListings,
       {{"MARKET_TOKEN_VERIFY_KEYS", "k1:users"}},
       "MARKET_TOKEN_VERIFY_KEYS: entry 1 (\"k1:users\"): must be kid:scope:path"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.message);
    const auto config = Load(row.identity, row.vars);
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(MessageOf(config), Catch::Contains(row.message));
  }
  // A service that only verifies needs no signing key.
  const auto verify_only = Load(kListings, {{"MARKET_TOKEN_VERIFY_KEYS", keys.VerifyKeys()}});
  REQUIRE(verify_only.ok());
  CHECK(verify_only->tokens.signer == nullptr);
}

}  // namespace
}  // namespace market::runtime
