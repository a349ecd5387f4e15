#include "market/pg/migrations.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace {

using market::OkStatus;
using market::Status;
using market::StatusCode;
using market::pg::ApplyMigrations;
using market::pg::MigrationSet;
using market::pg::Pool;

// Each migration logs itself, so the log shows which ran and in which order. Listed out of
// order on purpose: versions decide.
MigrationSet Listings() {
  return {
      "listings",
      {{2, "002_jobs", "CREATE TABLE jobs (id integer PRIMARY KEY); INSERT INTO log VALUES (2)"},
       {1, "001_log", "CREATE TABLE log (version integer, at serial); INSERT INTO log VALUES (1)"},
       {3, "003_job_title", "ALTER TABLE jobs ADD COLUMN title text; INSERT INTO log VALUES (3)"}}};
}

struct Fixture {
  Fixture()
      : db(market::testing::CreateServiceDatabase("migrations")),
        pool({.dsn = db.dsn, .max_connections = 2}) {}

  std::vector<int> Log() { return Ints("SELECT version FROM log ORDER BY at"); }

  std::vector<int> Ints(const std::string& sql) {
    std::vector<int> values;
    const Status read = market::pg::InTransaction(pool, [&](pqxx::work& work) {
      values.clear();
      for (const auto& row : work.exec(sql)) values.push_back(row[0].as<int>());
      return OkStatus();
    });
    REQUIRE(read.ok());
    return values;
  }

  bool TableExists(const std::string& table) {
    return Ints("SELECT count(*)::int FROM pg_tables WHERE schemaname = '" + db.schema +
                "' AND tablename = '" + table + "'") == std::vector<int>{1};
  }

  market::testing::TestDatabase db;
  Pool pool;
};

}  // namespace

TEST_CASE("migrations run once each, in version order, inside the service's schema",
          "[pg][migrations]") {
  Fixture f;
  const MigrationSet listings = Listings();
  REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&listings}).ok());
  CHECK(f.Log() == std::vector<int>{1, 2, 3});
  CHECK(f.TableExists("jobs"));
  CHECK(f.Ints("SELECT version FROM schema_migrations WHERE component = 'listings' "
               "ORDER BY version") == std::vector<int>{1, 2, 3});

  SECTION("running again changes nothing") {
    REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&listings}).ok());
    CHECK(f.Log() == std::vector<int>{1, 2, 3});
  }

  SECTION("a new migration is the only one applied") {
    MigrationSet newer = Listings();
    newer.migrations.push_back({4, "004_more", "INSERT INTO log VALUES (4)"});
    REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&newer}).ok());
    CHECK(f.Log() == std::vector<int>{1, 2, 3, 4});
  }

  SECTION("another component keeps its own history in the same schema") {
    const MigrationSet outbox{"outbox", {{1, "001_outbox", "INSERT INTO log VALUES (100)"}}};
    REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&listings, &outbox}).ok());
    CHECK(f.Log() == std::vector<int>{1, 2, 3, 100});
  }
}

TEST_CASE("a migration may run longer than the pool's statement timeout", "[pg][migrations]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("migrations_slow");
  using namespace std::chrono_literals;
  Pool pool({.dsn = db.dsn, .max_connections = 1, .statement_timeout = 100ms});
  const MigrationSet slow{
      "slow", {{1, "001_slow", "CREATE TABLE log AS SELECT 1 AS version FROM pg_sleep(0.3)"}}};
  REQUIRE(ApplyMigrations(pool, db.schema, {&slow}).ok());

  // The session goes back to the pool with the pool's bound again.
  const Status bounded = market::pg::InTransaction(pool, [](pqxx::work& work) {
    work.exec("SELECT pg_sleep(0.3)");
    return OkStatus();
  });
  CHECK(bounded.code() == StatusCode::kDeadlineExceeded);
}

TEST_CASE("two instances migrating at once apply each migration once", "[pg][migrations]") {
  Fixture f;
  Pool other({.dsn = f.db.dsn, .max_connections = 2});
  const MigrationSet listings = Listings();
  Status a, b;
  std::thread first([&] { a = ApplyMigrations(f.pool, f.db.schema, {&listings}); });
  std::thread second([&] { b = ApplyMigrations(other, f.db.schema, {&listings}); });
  first.join();
  second.join();
  CHECK(a.ok());
  CHECK(b.ok());
  CHECK(f.Log() == std::vector<int>{1, 2, 3});
}

TEST_CASE("an applied migration whose text changed is refused and nothing runs",
          "[pg][migrations]") {
  Fixture f;
  const MigrationSet listings = Listings();
  REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&listings}).ok());

  MigrationSet edited = Listings();
  edited.migrations[0].sql += " -- tidied up";
  edited.migrations.push_back({4, "004_more", "INSERT INTO log VALUES (4)"});
  const Status status = ApplyMigrations(f.pool, f.db.schema, {&edited});
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message().find("listings 002_jobs") != std::string::npos);
  CHECK(f.Log() == std::vector<int>{1, 2, 3});

  MigrationSet renamed = Listings();
  renamed.migrations[2].name = "003_title";
  CHECK(ApplyMigrations(f.pool, f.db.schema, {&renamed}).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("a failing migration leaves nothing half-applied", "[pg][migrations]") {
  Fixture f;
  MigrationSet broken = Listings();
  broken.migrations[0].sql =
      "CREATE TABLE jobs (id integer PRIMARY KEY); INSERT INTO log VALUES (2);"
      "INSERT INTO missing_table VALUES (1)";
  const Status status = ApplyMigrations(f.pool, f.db.schema, {&broken});
  CHECK(status.code() == StatusCode::kInternal);
  CHECK(status.message().find("listings 002_jobs") != std::string::npos);
  CHECK(status.message().find("missing_table") == std::string::npos);
  CHECK(f.Log() == std::vector<int>{1});
  CHECK_FALSE(f.TableExists("jobs"));
  CHECK(f.Ints("SELECT version FROM schema_migrations") == std::vector<int>{1});

  // The fixed release then applies the rest.
  const MigrationSet fixed = Listings();
  REQUIRE(ApplyMigrations(f.pool, f.db.schema, {&fixed}).ok());
  CHECK(f.Log() == std::vector<int>{1, 2, 3});
}

TEST_CASE("migrations need a bootstrapped schema and well-formed sets", "[pg][migrations]") {
  Fixture f;
  const MigrationSet listings = Listings();
  CHECK(ApplyMigrations(f.pool, "no_such_schema", {&listings}).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(ApplyMigrations(f.pool, "Bad Schema", {&listings}).code() == StatusCode::kInvalidArgument);
  const MigrationSet twice{"listings", {{1, "001_a", "SELECT 1"}, {1, "001_b", "SELECT 1"}}};
  CHECK(ApplyMigrations(f.pool, f.db.schema, {&twice}).code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(f.TableExists("schema_migrations"));
}
