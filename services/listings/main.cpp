// The listings service process: wiring only; the plumbing lives in market::runtime.
#include <memory>

#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "listings_service.hpp"
#include "market/runtime/service_host.hpp"

int main() {
  // Lives as long as main(), so longer than the router that serves it.
  std::unique_ptr<market::listings::ListingsService> service;
  return market::runtime::RunService(
      market::listings::kIdentity, market::migrations::listings(),
      [&service](market::connect::Router& router, market::runtime::ServiceParts& parts) {
        service = std::make_unique<market::listings::ListingsService>(parts.pg);
        market::listings::v1::Register(router, *service);
      });
}
