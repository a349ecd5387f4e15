// The escrow service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "escrow_app.hpp"
#include "escrow_identity.hpp"
#include "escrow_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::escrow::kIdentity, market::migrations::escrow(),
                                     std::make_unique<market::escrow::EscrowApp>());
}
