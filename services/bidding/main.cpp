// The bidding service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "bidding_app.hpp"
#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::bidding::kIdentity, market::migrations::bidding(),
                                     std::make_unique<market::bidding::BiddingApp>());
}
