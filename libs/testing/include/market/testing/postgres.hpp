// PostgreSQL for integration tests: each test gets its own schema and login role on the private
// cluster that the CTest fixture `infra` starts (deploy/local/infra.sh), bootstrapped exactly as a
// service's database is, so tests see the same rights a service has.
//
//   market::testing::TestDatabase db = market::testing::CreateServiceDatabase("bidding");
//   market::pg::Pool pool({.dsn = db.dsn});
//   REQUIRE(market::pg::ApplyMigrations(pool, db.schema, {&market::migrations::bidding()}).ok());
//
// Names carry a random suffix, so tests running at the same time never share data. Failures
// throw std::runtime_error: a test cannot run without its database.
#pragma once

#include <string>
#include <string_view>

namespace market::testing {

// MARKET_TEST_PG_ADMIN_DSN: the superuser DSN of the test cluster. Throws when unset.
std::string PgAdminDsn();

struct TestDatabase {
  std::string schema;
  std::string role;
  std::string password;
  std::string dsn;  // connects as `role` with `password`
};

// A fresh schema and role named `<prefix>_<random>`; `prefix` is lower-case letters, digits and
// underscores.
TestDatabase CreateServiceDatabase(std::string_view prefix);

}  // namespace market::testing
