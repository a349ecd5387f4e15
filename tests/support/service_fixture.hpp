// Starting services in-process for tests: each on a free port, against a fresh schema of the
// private PostgreSQL and the private Redis the test fixture runs.
//
//   auto listings = StartService(listings::kIdentity, migrations::listings(), registrar);
//   auto gateway = StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings.address()}});
//   auto reply = PostJson(gateway.port(), "/market.identity.v1.IdentityService/Login", body);
#pragma once

#include <map>
#include <memory>
#include <string>

#include "market/http/types.hpp"
#include "market/runtime/service_host.hpp"
#include "market/testing/postgres.hpp"

namespace market::testing {

using EnvOverrides = std::map<std::string, std::string>;

class StartedService {
 public:
  StartedService(TestDatabase database, std::unique_ptr<runtime::ServiceHost> host,
                 std::shared_ptr<void> keep_alive);
  std::uint16_t port() const { return host_->port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  const TestDatabase& database() const { return database_; }
  runtime::ServiceHost& host() { return *host_; }

 private:
  TestDatabase database_;
  std::shared_ptr<void> keep_alive_;
  std::unique_ptr<runtime::ServiceHost> host_;
};

// Starts a service with its migrations on a fresh schema; `env` overrides MARKET_* settings
// (MARKET_HTTP_PORT=<n> pins the port, e.g. to restart a service where it was).
StartedService StartService(const runtime::ServiceIdentity& identity,
                            const pg::MigrationSet& migrations, runtime::Registrar registrar,
                            const EnvOverrides& env = {}, runtime::ServerSetup setup = {},
                            std::optional<TestDatabase> database = std::nullopt);

// The gateway with its identity service, rate limits, CORS and proxy, configured by `env`.
StartedService StartGateway(const EnvOverrides& env = {});

// A POST with a JSON body and the given extra headers, answered within five seconds.
http::Response PostJson(std::uint16_t port, std::string_view path, std::string_view body,
                        const std::map<std::string, std::string>& headers = {});

// Any request, answered within five seconds (Host and Content-Length are filled in).
http::Response Send(std::uint16_t port, http::Request request);

// "Bearer <token>" for a principal, signed with the users key of SharedTestTokenKeys(), which
// every service started here verifies with (each signing with its own key).
std::string BearerFor(const auth::Principal& principal);

}  // namespace market::testing
