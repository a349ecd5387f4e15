// ServiceHost: the plumbing every service process shares, so that a service's main() only
// wires its own logic in.
//
// Start() opens the PostgreSQL pool, applies the outbox and the service's migrations to its
// schema, connects Redis, starts the outbox relay and the Connect server with the standard
// health RPC (grpc.health.v1.Health/Check), /healthz, /readyz and /metrics. Shutdown() drains.
//
//   int main() {
//     return market::runtime::RunService(kIdentity, market::migrations::listings(),
//         [](market::connect::Router& router, market::runtime::ServiceParts& parts) {
//           market::listings::RegisterListingsService(router, parts);
//         });
//   }
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "market/auth/token.hpp"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"
#include "market/events/outbox_relay.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "market/runtime/service_config.hpp"

namespace market::runtime {

class HealthService;

// What a service's logic may use; owned by the host and alive until Shutdown() returns.
struct ServiceParts {
  const ServiceConfig& config;
  pg::Pool& pg;
  redis::Client& redis;
  const auth::TokenVerifier& tokens;
};

using Registrar = std::function<void(connect::Router& router, ServiceParts& parts)>;
// Optional, for services that shape the server itself (the gateway's interceptor, fallback
// and response decorator): called after the server exists and before it starts.
using ServerSetup = std::function<void(connect::Server& server, ServiceParts& parts)>;

class ServiceHost {
 public:
  ServiceHost(ServiceConfig config, std::vector<const pg::MigrationSet*> migrations,
              Registrar registrar, ServerSetup server_setup = {});
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Fails (without serving) when the database cannot be reached or migrated, or the port is
  // taken. Redis being down is not fatal: the service serves from PostgreSQL meanwhile.
  Status Start();
  std::uint16_t port() const;
  // Stops accepting, lets in-flight calls finish (bounded by the drain timeout), stops the
  // relay. Idempotent.
  void Shutdown();

 private:
  void RegisterHttpRoutes();
  void RegisterMetrics();

  ServiceConfig config_;
  std::vector<const pg::MigrationSet*> migrations_;
  Registrar registrar_;
  ServerSetup server_setup_;
  std::unique_ptr<pg::Pool> pg_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<auth::TokenVerifier> tokens_;
  std::unique_ptr<ServiceParts> parts_;
  std::unique_ptr<HealthService> health_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::unique_ptr<connect::Server> server_;
  std::atomic<bool> draining_{false};
  bool stopped_ = false;
};

// The whole life of a service process: config from the environment, Start(), wait for
// SIGTERM/SIGINT, Shutdown(). Returns the process exit code (0 after a clean drain, 1 when
// configuration or start-up failed, with the reason logged).
int RunService(const ServiceIdentity& identity, const pg::MigrationSet& migrations,
               Registrar registrar, ServerSetup server_setup = {});

}  // namespace market::runtime
