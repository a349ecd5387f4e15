// The reputation service process: wiring only; the plumbing lives in market::runtime.
#include "reputation_identity.hpp"
#include "reputation_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::reputation::kIdentity, market::migrations::reputation(), {});
}
