#include "market/testing/service.hpp"

#include <stdexcept>
#include <utility>

#include "market/testing/redis.hpp"
#include "market/testing/token_keys.hpp"
#include "market/testing/tokens.hpp"

namespace market::testing {
namespace {

std::map<std::string, std::string> EnvFor(const runtime::ServiceIdentity& identity,
                                          const TestDatabase& database,
                                          const EnvOverrides& overrides) {
  std::map<std::string, std::string> values{
      {"MARKET_REDIS_EVENTS_PORT", std::to_string(RedisPort(RedisRole::kEvents))},
      {"MARKET_REDIS_CACHE_PORT", std::to_string(RedisPort(RedisRole::kCache))},
      {"MARKET_PG_SCHEMA", database.schema},
      // Tests stop services often; nobody waits 25 s for a drain.
      {"MARKET_DRAIN_TIMEOUT_MS", "2000"},
  };
  // Each service signs with its own key (the gateway with the users key) and verifies with all
  // of the shared test keys, as a deployment does; a service the keys do not know (a test's own)
  // only verifies.
  const std::string signer = identity.signs_user_tokens ? "users" : std::string(identity.name);
  const TestTokenKeys& keys = SharedTestTokenKeys();
  if (keys.Has(signer)) {
    for (const auto& [name, value] : keys.EnvFor(signer)) values[name] = value;
  } else {
    values["MARKET_TOKEN_VERIFY_KEYS"] = keys.VerifyKeys();
  }
  for (const auto& [name, value] : overrides) values[name] = value;
  return values;
}

runtime::ServiceConfig ConfigFrom(const runtime::ServiceIdentity& identity,
                                  const TestDatabase& database, const EnvOverrides& overrides,
                                  config::Env& env) {
  auto config = runtime::LoadServiceConfig(identity, env);
  if (!config.ok()) {
    throw std::runtime_error("test configuration of " + std::string(identity.name) + ": " +
                             config.status().ToString());
  }
  if (!overrides.contains("MARKET_HTTP_PORT")) config->server.http.port = 0;
  config->pg.dsn = database.dsn;
  return *std::move(config);
}

}  // namespace

StartedService::StartedService(TestDatabase database, std::unique_ptr<runtime::ServiceHost> host)
    : database_(std::move(database)), host_(std::move(host)) {}

runtime::ServiceConfig TestServiceConfig(const runtime::ServiceIdentity& identity,
                                         const TestDatabase& database, const EnvOverrides& env) {
  config::Env values(EnvFor(identity, database, env));
  return ConfigFrom(identity, database, env, values);
}

StartedService StartService(const runtime::ServiceIdentity& identity,
                            const pg::MigrationSet& migrations,
                            std::unique_ptr<runtime::Service> service, const EnvOverrides& env,
                            std::optional<TestDatabase> database) {
  TestDatabase db = database ? *std::move(database) : CreateServiceDatabase(identity.name);
  config::Env values(EnvFor(identity, db, env));
  runtime::ServiceConfig config = ConfigFrom(identity, db, env, values);
  if (Status configured = runtime::ConfigureService(*service, values); !configured.ok()) {
    throw std::runtime_error("configuring " + std::string(identity.name) + ": " +
                             configured.ToString());
  }
  auto host = std::make_unique<runtime::ServiceHost>(std::move(config), std::vector{&migrations},
                                                     std::move(service));
  if (Status started = host->Start(); !started.ok()) {
    throw std::runtime_error("starting " + std::string(identity.name) + ": " + started.ToString());
  }
  return StartedService(std::move(db), std::move(host));
}

}  // namespace market::testing
