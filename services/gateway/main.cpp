// The gateway service process: wiring only; the plumbing lives in market::runtime.
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::gateway::kIdentity, market::migrations::gateway(), {});
}
