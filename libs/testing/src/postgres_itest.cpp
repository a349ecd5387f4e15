#include "market/testing/postgres.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <cstdlib>
#include <stdexcept>

TEST_CASE("each test database is a fresh schema its own role logs in to", "[testing]") {
  const auto first = market::testing::CreateServiceDatabase("fresh");
  const auto second = market::testing::CreateServiceDatabase("fresh");
  CHECK(first.schema != second.schema);
  CHECK(first.role != second.role);
  CHECK(first.schema.rfind("fresh_", 0) == 0);

  pqxx::connection connection(first.dsn);
  pqxx::nontransaction query(connection);
  const pqxx::row row = query.exec1("SELECT current_user::text, current_schema()::text");
  CHECK(row[0].as<std::string>() == first.role);
  CHECK(row[1].as<std::string>() == first.schema);
}

TEST_CASE("a test database prefix must be a short identifier", "[testing]") {
  CHECK_THROWS_AS(market::testing::CreateServiceDatabase("Bad Prefix"), std::invalid_argument);
}

TEST_CASE("without the admin DSN the helpers say how to run the tests", "[testing]") {
  const std::string saved = market::testing::PgAdminDsn();
  unsetenv("MARKET_TEST_PG_ADMIN_DSN");
  CHECK_THROWS_WITH(market::testing::PgAdminDsn(),
                    Catch::Contains("MARKET_TEST_PG_ADMIN_DSN") && Catch::Contains("ctest"));
  setenv("MARKET_TEST_PG_ADMIN_DSN", saved.c_str(), 1);
}
