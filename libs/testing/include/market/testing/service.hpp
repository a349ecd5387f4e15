// Starting a service in-process for a test: on a free port of 127.0.0.1, against a fresh schema
// of the private PostgreSQL and the private Redis that the CTest fixture `infra` runs, with the
// settings a real process reads from its environment.
//
//   auto listings = market::testing::StartService(
//       listings::kIdentity, migrations::listings(), std::make_unique<listings::ListingsApp>());
//   v1::ListingsServiceClient client(connect::Client(http, listings.endpoint()));
//
// `env` overrides MARKET_* settings (MARKET_HTTP_PORT=<n> pins the port, e.g. to restart a
// service where it was); the service reads its own settings from the same `env`. Failures
// throw std::runtime_error with the reason: a test cannot go on without its service.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "market/http/client.hpp"
#include "market/pg/migrations.hpp"
#include "market/runtime/service.hpp"
#include "market/runtime/service_config.hpp"
#include "market/runtime/service_host.hpp"
#include "market/testing/postgres.hpp"

namespace market::testing {

using EnvOverrides = std::map<std::string, std::string>;

class StartedService {
 public:
  StartedService(TestDatabase database, std::unique_ptr<runtime::ServiceHost> host);

  std::uint16_t port() const { return host_->port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  http::Endpoint endpoint() const { return http::Endpoint{"127.0.0.1", port()}; }
  const TestDatabase& database() const { return database_; }
  runtime::ServiceHost& host() { return *host_; }

 private:
  TestDatabase database_;
  std::unique_ptr<runtime::ServiceHost> host_;
};

// The configuration StartService uses, for tests that drive a ServiceHost themselves.
runtime::ServiceConfig TestServiceConfig(const runtime::ServiceIdentity& identity,
                                         const TestDatabase& database,
                                         const EnvOverrides& env = {});

// Starts `service` with its migrations on `database`, or on a fresh schema named after it.
StartedService StartService(const runtime::ServiceIdentity& identity,
                            const pg::MigrationSet& migrations,
                            std::unique_ptr<runtime::Service> service, const EnvOverrides& env = {},
                            std::optional<TestDatabase> database = std::nullopt);

}  // namespace market::testing
