// The gateway process: wiring only. Accounts and tokens are its own service; every other
// package is forwarded to the service that owns it.
#include <memory>

#include "gateway_app.hpp"
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::gateway::kIdentity, market::migrations::gateway(),
                                     std::make_unique<market::gateway::GatewayApp>());
}
