// The listings service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "listings_service.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  return market::runtime::RunService(
      market::listings::kIdentity, market::migrations::listings(),
      [](market::connect::Router& router, market::runtime::ServiceParts& parts) {
        market::listings::AddListingsMethods(
            router, std::make_shared<market::listings::ListingsService>(parts.pg, parts.tokens));
      });
}
