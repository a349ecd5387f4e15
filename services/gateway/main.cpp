// The gateway process: wiring only. Accounts and tokens are its own service; every other
// package is forwarded to the service that owns it.
#include <memory>

#include "gateway.hpp"
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/common/log.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  market::config::Env env;
  auto gateway_config = market::gateway::LoadGatewayConfig(env);
  if (!gateway_config.ok()) {
    market::log::SetService("gateway");
    market::log::Error("invalid configuration", {{"error", gateway_config.status().message()}});
    return 1;
  }
  std::unique_ptr<market::gateway::Gateway> gateway;
  return market::runtime::RunService(
      market::gateway::kIdentity, market::migrations::gateway(),
      [&](market::connect::Router& router, market::runtime::ServiceParts& parts) {
        gateway = std::make_unique<market::gateway::Gateway>(*std::move(gateway_config), parts);
        gateway->AddMethods(router);
      },
      [&](market::connect::Server& server, market::runtime::ServiceParts&) {
        gateway->Install(server);
      });
}
