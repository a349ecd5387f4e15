#include "service_fixture.hpp"

#include <catch2/catch.hpp>

#include "gateway.hpp"
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/auth/token.hpp"
#include "market/http/client.hpp"
#include "market/testing/redis.hpp"
#include "market/testing/token_keys.hpp"

namespace market::testing {

StartedService::StartedService(TestDatabase database, std::unique_ptr<runtime::ServiceHost> host,
                               std::shared_ptr<void> keep_alive)
    : database_(std::move(database)), keep_alive_(std::move(keep_alive)), host_(std::move(host)) {}

namespace {

runtime::ServiceConfig ConfigFor(const runtime::ServiceIdentity& identity,
                                 const TestDatabase& database, const EnvOverrides& overrides) {
  std::map<std::string, std::string> values{
      {"MARKET_REDIS_PORT", std::to_string(RedisPort())},
      {"MARKET_PG_SCHEMA", database.schema},
      {"MARKET_DRAIN_TIMEOUT_MS", "2000"},
  };
  for (const auto& [name, value] : SharedTestTokenKeys().EnvFor(
           identity.signs_user_tokens ? "users" : std::string(identity.name))) {
    values[name] = value;
  }
  for (const auto& [name, value] : overrides) values[name] = value;
  const bool pinned_port = values.contains("MARKET_HTTP_PORT");
  config::Env env(values);
  auto config = runtime::LoadServiceConfig(identity, env);
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  if (!pinned_port) config->server.http.port = 0;
  config->pg.dsn = database.dsn;
  return *std::move(config);
}

}  // namespace

StartedService StartService(const runtime::ServiceIdentity& identity,
                            const pg::MigrationSet& migrations, runtime::Registrar registrar,
                            const EnvOverrides& env, runtime::ServerSetup setup,
                            std::optional<TestDatabase> database) {
  TestDatabase db = database ? *database : CreateServiceDatabase(identity.name);
  auto host =
      std::make_unique<runtime::ServiceHost>(ConfigFor(identity, db, env), std::vector{&migrations},
                                             std::move(registrar), std::move(setup));
  const Status started = host->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  return StartedService(std::move(db), std::move(host), nullptr);
}

StartedService StartGateway(const EnvOverrides& env) {
  config::Env gateway_env(env);
  auto gateway_config = gateway::LoadGatewayConfig(gateway_env);
  INFO(gateway_config.status().ToString());
  REQUIRE(gateway_config.ok());
  // The gateway must outlive its host's server: the host holds it through the registrars.
  auto gateway = std::make_shared<std::unique_ptr<gateway::Gateway>>();
  auto config = std::make_shared<gateway::GatewayConfig>(*std::move(gateway_config));
  TestDatabase db = CreateServiceDatabase("gateway");
  auto host = std::make_unique<runtime::ServiceHost>(
      ConfigFor(gateway::kIdentity, db, env), std::vector{&migrations::gateway()},
      [gateway, config](connect::Router& router, runtime::ServiceParts& parts) {
        *gateway = std::make_unique<gateway::Gateway>(*config, parts);
        (*gateway)->AddMethods(router);
      },
      [gateway](connect::Server& server, runtime::ServiceParts&) { (*gateway)->Install(server); });
  const Status started = host->Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  return StartedService(std::move(db), std::move(host), gateway);
}

http::Response Send(std::uint16_t port, http::Request request) {
  static http::Client client;
  request.set(boost::beast::http::field::host, "127.0.0.1");
  request.prepare_payload();
  auto response = client.Send(http::Endpoint{"127.0.0.1", port}, std::move(request),
                              std::chrono::steady_clock::now() + std::chrono::seconds(5), false);
  INFO(response.status().ToString());
  REQUIRE(response.ok());
  return *std::move(response);
}

http::Response PostJson(std::uint16_t port, std::string_view path, std::string_view body,
                        const std::map<std::string, std::string>& headers) {
  http::Request request(boost::beast::http::verb::post, path, 11);
  request.set(boost::beast::http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::string(body);
  return Send(port, std::move(request));
}

std::string BearerFor(const auth::Principal& principal) {
  return "Bearer " + SharedTestTokenKeys().Issue(principal);
}

}  // namespace market::testing
