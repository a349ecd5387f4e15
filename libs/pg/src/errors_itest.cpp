#include "market/pg/errors.hpp"

#include <catch2/catch.hpp>

#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using market::OkStatus;
using market::Status;
using market::StatusCode;
using market::pg::InTransaction;

constexpr const char* kSchema =
    "CREATE TABLE jobs (id integer PRIMARY KEY);"
    "CREATE TABLE accounts (email text PRIMARY KEY);"
    "CREATE TABLE bids (id integer PRIMARY KEY, job_id integer NOT NULL REFERENCES jobs (id),"
    "                   amount bigint NOT NULL CHECK (amount > 0));"
    "INSERT INTO jobs VALUES (1);"
    "INSERT INTO accounts VALUES ('ann@example.com')";

struct Fixture {
  Fixture()
      : db(market::testing::CreateServiceDatabase("errors")),
        pool({.dsn = db.dsn, .max_connections = 2}) {
    REQUIRE(Run(kSchema).ok());
  }

  Status Run(const std::string& sql, Clock::time_point deadline = Clock::time_point::max()) {
    return InTransaction(pool, {.deadline = deadline}, [&](pqxx::work& work) {
      work.exec(sql);
      return OkStatus();
    });
  }

  market::testing::TestDatabase db;
  market::pg::Pool pool;
};

}  // namespace

TEST_CASE("real database errors map to Connect codes without leaking server text", "[pg]") {
  Fixture f;
  struct Case {
    const char* what;
    const char* sql;
    StatusCode code;
  };
  const Case cases[] = {
      {"duplicate key", "INSERT INTO accounts VALUES ('ann@example.com')",
       StatusCode::kAlreadyExists},
      {"check constraint", "INSERT INTO bids VALUES (1, 1, -5)", StatusCode::kFailedPrecondition},
      {"foreign key", "INSERT INTO bids VALUES (1, 42, 5)", StatusCode::kFailedPrecondition},
      {"not null", "INSERT INTO bids VALUES (1, NULL, 5)", StatusCode::kFailedPrecondition},
      {"syntax error", "INSERT INTO", StatusCode::kInternal},
      {"missing table", "SELECT * FROM no_such_table", StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const Status status = f.Run(c.sql);
    CHECK(status.code() == c.code);
    CHECK(status.message().find("ann@example.com") == std::string::npos);
    CHECK(status.message().find("INSERT") == std::string::npos);
    CHECK(status.message().find("bids") == std::string::npos);
  }
  // The pool is still usable after every one of them.
  CHECK(f.Run("INSERT INTO bids VALUES (1, 1, 5)").ok());
}

TEST_CASE("a statement running past the transaction's deadline is cut off", "[pg]") {
  Fixture f;
  const auto start = Clock::now();
  const Status status = f.Run("SELECT pg_sleep(5)", start + 300ms);
  const auto took = Clock::now() - start;
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK(took < 2s);
  // The timeout was local to that transaction.
  CHECK(f.Run("SELECT pg_sleep(0.4)").ok());
}
