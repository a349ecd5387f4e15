#include "service_fixture.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>

#include "gateway_app.hpp"
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/http/client.hpp"

namespace market::testing {

StartedService StartGateway(const EnvOverrides& overrides) {
  // Every test calls from 127.0.0.1, one test after another: the per-address password budget
  // would refuse them, so it is generous unless a test sets it.
  EnvOverrides env = {{"MARKET_PASSWORD_RATE_ADDRESS_PER_MINUTE", "100000"},
                      {"MARKET_PASSWORD_RATE_ADDRESS_BURST", "100000"}};
  for (const auto& [name, value] : overrides) env[name] = value;
  return StartService(gateway::kIdentity, migrations::gateway(),
                      std::make_unique<gateway::GatewayApp>(), env);
}

std::string UniqueEmail(std::string_view name) {
  static const std::string run = std::to_string(std::random_device{}());
  return std::string(name) + "." + run + "@example.com";
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

}  // namespace market::testing
