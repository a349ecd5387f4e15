// The reputation service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "market/runtime/service_host.hpp"
#include "reputation_app.hpp"
#include "reputation_identity.hpp"
#include "reputation_migrations.hpp"

int main() {
  return market::runtime::RunService(market::reputation::kIdentity,
                                     market::migrations::reputation(),
                                     std::make_unique<market::reputation::ReputationApp>());
}
