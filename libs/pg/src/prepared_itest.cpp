// Prepared statements against a real server: prepared once per connection, the same answers as
// exec_params, errors mapped as usual, and a statement re-planned after its table changed.
#include "market/pg/prepared.hpp"

#include <catch2/catch.hpp>

#include "market/pg/pool.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace {

using market::OkStatus;
using market::Status;
using market::StatusCode;
using market::StatusOr;
using market::pg::Exec;
using market::pg::Exec1;
using market::pg::InTransaction;
using market::pg::Pool;

constexpr std::string_view kInsert = "INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id";
constexpr std::string_view kSelect = "SELECT body FROM notes WHERE id = $1";

TEST_CASE("a statement is prepared once per connection and answers like exec_params",
          "[pg][prepared]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("prepared");
  // One connection: every call below reuses it and so its prepared statements.
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  REQUIRE(InTransaction(pool, [](pqxx::work& tx) {
            tx.exec("CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)");
            return OkStatus();
          }).ok());

  for (int id = 1; id <= 3; ++id) {
    const auto inserted = InTransaction(pool, [&](pqxx::work& tx) -> StatusOr<int> {
      return Exec1(tx, kInsert, id, "note " + std::to_string(id))["id"].as<int>();
    });
    REQUIRE(inserted.ok());
    CHECK(*inserted == id);
  }
  const auto read = InTransaction(pool, [](pqxx::work& tx) -> StatusOr<std::string> {
    const pqxx::result rows = Exec(tx, kSelect, 2);
    if (rows.size() != 1) return market::InternalError("expected one row");
    return rows[0]["body"].as<std::string>();
  });
  REQUIRE(read.ok());
  CHECK(*read == "note 2");

  // The server holds one prepared statement per text, however often each ran.
  const auto prepared = InTransaction(pool, [](pqxx::work& tx) -> StatusOr<int> {
    return tx
        .exec1("SELECT count(*)::int FROM pg_prepared_statements WHERE name LIKE 'market_%'")[0]
        .as<int>();
  });
  REQUIRE(prepared.ok());
  CHECK(*prepared == 2);

  SECTION("a constraint violation maps to its status as with exec_params") {
    const Status duplicate = InTransaction(pool, [](pqxx::work& tx) {
      Exec1(tx, kInsert, 1, "again");
      return OkStatus();
    });
    CHECK(duplicate.code() == StatusCode::kAlreadyExists);
  }

  SECTION("a table changed after preparing is planned again, not an error") {
    REQUIRE(InTransaction(pool, [](pqxx::work& tx) {
              tx.exec("ALTER TABLE notes ADD COLUMN extra text");
              return OkStatus();
            }).ok());
    const auto after = InTransaction(
        pool, [](pqxx::work& tx) -> StatusOr<std::size_t> { return Exec(tx, kSelect, 3).size(); });
    REQUIRE(after.ok());
    CHECK(*after == 1);
  }
}

}  // namespace
