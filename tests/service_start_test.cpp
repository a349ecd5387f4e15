// Every service starts against its own fresh schema, applies its migrations (the outbox's and
// its own), answers the standard health RPC in both codecs and reports ready; a second start
// on the same schema applies nothing twice.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "escrow_identity.hpp"
#include "escrow_migrations.hpp"
#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "grpc/health/v1/health.connect.h"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/connect/client.hpp"
#include "market/http/client.hpp"
#include "market/testing/postgres.hpp"
#include "market/testing/service.hpp"
#include "reputation_identity.hpp"
#include "reputation_migrations.hpp"

namespace market {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

struct ServiceUnderTest {
  runtime::ServiceIdentity identity;
  const pg::MigrationSet& migrations;
};

HealthCheckResponse::ServingStatus CheckHealth(std::uint16_t port, connect::Codec codec,
                                               const std::string& service) {
  grpc::health::v1::HealthClient client(
      connect::Client(std::make_shared<http::Client>(), http::Endpoint{"127.0.0.1", port}, codec));
  HealthCheckRequest request;
  request.set_service(service);
  connect::CallOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto reply = client.Check(request, options);
  REQUIRE(reply.ok());
  return reply->status();
}

long long AppliedMigrations(const testing::TestDatabase& database) {
  pqxx::connection connection(database.dsn);
  pqxx::work tx(connection);
  return tx
      .exec1("SELECT count(*) FROM " + tx.quote_name(database.schema) + ".schema_migrations")[0]
      .as<long long>();
}

TEST_CASE("every service migrates its schema and answers the health RPC", "[services]") {
  const ServiceUnderTest services[] = {
      {listings::kIdentity, migrations::listings()},
      {bidding::kIdentity, migrations::bidding()},
      {escrow::kIdentity, migrations::escrow()},
      {reputation::kIdentity, migrations::reputation()},
      {gateway::kIdentity, migrations::gateway()},
  };
  for (const auto& service : services) {
    DYNAMIC_SECTION(service.identity.name) {
      const auto database = testing::CreateServiceDatabase(service.identity.name);
      long long applied = 0;
      {
        auto started =
            testing::StartService(service.identity, service.migrations,
                                  std::make_unique<runtime::BareService>(), {}, database);
        CHECK(CheckHealth(started.port(), connect::Codec::kJson, "") ==
              HealthCheckResponse::SERVING);
        CHECK(CheckHealth(started.port(), connect::Codec::kProto,
                          std::string(service.identity.full_service_name)) ==
              HealthCheckResponse::SERVING);
        applied = AppliedMigrations(database);
        CHECK(applied >= 1 + static_cast<long long>(service.migrations.migrations.size()));
        started.host().Shutdown();
      }
      auto again = testing::StartService(service.identity, service.migrations,
                                         std::make_unique<runtime::BareService>(), {}, database);
      CHECK(AppliedMigrations(database) == applied);
      again.host().Shutdown();
    }
  }
}

}  // namespace
}  // namespace market
