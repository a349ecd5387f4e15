#include "pgtest_migrations.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string ReadTestData(const std::string& name) {
  std::ifstream file(std::string(MARKET_PG_TESTDATA_DIR) + "/migrations/" + name + ".sql");
  REQUIRE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("migration files are embedded with their version, name and exact text", "[pg]") {
  const market::pg::MigrationSet& set = market::migrations::pgtest();
  CHECK(set.component == "pgtest");
  REQUIRE(set.migrations.size() == 1);
  CHECK(set.migrations[0].version == 1);
  CHECK(set.migrations[0].name == "001_create_jobs");
  CHECK(set.migrations[0].sql == ReadTestData("001_create_jobs"));
}
