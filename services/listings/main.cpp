// The listings service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "listings_app.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(market::listings::kIdentity, market::migrations::listings(),
                                     std::make_unique<market::listings::ListingsApp>());
}
