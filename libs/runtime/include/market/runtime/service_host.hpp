// ServiceHost: the plumbing every service process shares, driving one Service (service.hpp), so
// that a service's main() only names it.
//
// Start() opens the PostgreSQL pool, applies the outbox's and the service's migrations to its
// schema, connects Redis, starts the service (its methods on the generated glue, its background
// work), then the Connect server with the standard health RPC (grpc.health.v1.Health/Check),
// /healthz, /readyz and /metrics, and then the background work: the outbox relay, the service's
// consumers and timers, and the readiness check. Shutdown() drains in the reverse order.
//
//   int main() {
//     return market::runtime::RunService(market::listings::kIdentity,
//                                        market::migrations::listings(),
//                                        std::make_unique<market::listings::ListingsApp>());
//   }
#pragma once

#include <memory>
#include <vector>

#include "market/auth/token.hpp"
#include "market/common/config.hpp"
#include "market/common/metrics.hpp"
#include "market/connect/server.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "market/runtime/background.hpp"
#include "market/runtime/service.hpp"
#include "market/runtime/service_config.hpp"
#include "market/runtime/service_parts.hpp"

namespace market::runtime {

class HealthService;
class Readiness;

class ServiceHost {
 public:
  // `service` must already be configured (ConfigureService).
  ServiceHost(ServiceConfig config, std::vector<const pg::MigrationSet*> migrations,
              std::unique_ptr<Service> service);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Fails (without serving) when the database cannot be reached or migrated, the service cannot
  // start, or the port is taken. Redis being down is not fatal: the service serves from
  // PostgreSQL meanwhile.
  Status Start();
  std::uint16_t port() const;
  // Stops accepting, lets in-flight calls finish (bounded by the drain timeout), stops the
  // background work, then the service. Idempotent.
  void Shutdown();

  Service& service() { return *service_; }
  Background& background() { return *background_; }

 private:
  void RegisterHttpRoutes();
  void RegisterMetrics();

  // Declared in the order they are built; destroyed in reverse, so nothing outlives what it uses.
  ServiceConfig config_;
  std::vector<const pg::MigrationSet*> migrations_;
  std::unique_ptr<pg::Pool> pg_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<auth::TokenVerifier> tokens_;
  std::unique_ptr<Background> background_;
  std::unique_ptr<ServiceParts> parts_;
  std::unique_ptr<Readiness> readiness_;
  std::unique_ptr<PeriodicTask> readiness_check_;
  std::unique_ptr<HealthService> health_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<connect::Server> server_;
  metrics::CollectorHandle pool_collector_;
  bool service_started_ = false;
  bool stopped_ = false;
};

// Reads the service's own settings from `env` (Service::Configure), so that a bad variable
// stops the process before anything starts.
Status ConfigureService(Service& service, config::Env& env);

// The whole life of a service process: config from the environment, Start(), wait for
// SIGTERM/SIGINT, Shutdown(). Returns the process exit code (0 after a clean drain, 1 when
// configuration or start-up failed, with the reason logged).
int RunService(const ServiceIdentity& identity, const pg::MigrationSet& migrations,
               std::unique_ptr<Service> service);

}  // namespace market::runtime
