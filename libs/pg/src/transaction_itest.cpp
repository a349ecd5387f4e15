#include "market/pg/transaction.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "market/testing/postgres.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using market::OkStatus;
using market::Status;
using market::StatusCode;
using market::pg::InTransaction;
using market::pg::Isolation;
using market::pg::Pool;
using market::pg::TxOptions;

struct Fixture {
  explicit Fixture(std::string_view prefix, const char* setup_sql)
      : db(market::testing::CreateServiceDatabase(prefix)),
        pool({.dsn = db.dsn, .max_connections = 4}) {
    const Status created = InTransaction(pool, [&](pqxx::work& work) {
      work.exec(setup_sql);
      return OkStatus();
    });
    REQUIRE(created.ok());
  }

  std::int64_t Scalar(const std::string& sql) {
    auto value = InTransaction(pool, [&](pqxx::work& work) -> market::StatusOr<std::int64_t> {
      return work.exec1(sql)[0].as<std::int64_t>();
    });
    REQUIRE(value.ok());
    return *value;
  }

  market::testing::TestDatabase db;
  Pool pool;
};

// Both transactions read the whole ledger before either writes, then append an entry equal to
// the total: under SERIALIZABLE only a serial order may commit (100, 100, 200 -> 400).
Status AppendTotal(Pool& pool, int max_attempts, std::barrier<>& both_read,
                   std::atomic<int>& runs) {
  int attempt = 0;
  TxOptions options{.isolation = Isolation::kSerializable, .max_attempts = max_attempts};
  return InTransaction(pool, options, [&](pqxx::work& work) {
    ++attempt;
    ++runs;
    const auto total = work.exec1("SELECT sum(amount) FROM ledger")[0].as<std::int64_t>();
    if (attempt == 1) both_read.arrive_and_wait();
    work.exec_params("INSERT INTO ledger (amount) VALUES ($1)", total);
    return OkStatus();
  });
}

// Locks row `first`, waits until the other transaction holds its first row, then locks `second`.
Status CrossUpdate(Pool& pool, int max_attempts, int first, int second,
                   std::barrier<>& both_locked) {
  int attempt = 0;
  return InTransaction(pool, {.max_attempts = max_attempts}, [&](pqxx::work& work) {
    ++attempt;
    work.exec_params("UPDATE counters SET n = n + 1 WHERE id = $1", first);
    if (attempt == 1) both_locked.arrive_and_wait();
    work.exec_params("UPDATE counters SET n = n + 1 WHERE id = $1", second);
    return OkStatus();
  });
}

}  // namespace

TEST_CASE("a non-OK status from the transaction function leaves nothing written", "[pg][tx]") {
  Fixture f("tx_rollback", "CREATE TABLE bids (id integer PRIMARY KEY)");
  int runs = 0;
  const Status status = InTransaction(f.pool, [&](pqxx::work& work) -> Status {
    ++runs;
    work.exec("INSERT INTO bids VALUES (1)");
    return market::FailedPreconditionError("job_id: the job is closed");
  });
  CHECK(status == market::FailedPreconditionError("job_id: the job is closed"));
  CHECK(runs == 1);
  CHECK(f.Scalar("SELECT count(*) FROM bids") == 0);
}

TEST_CASE("a StatusOr transaction returns its value after commit", "[pg][tx]") {
  Fixture f("tx_value", "CREATE TABLE bids (id serial PRIMARY KEY, amount bigint)");
  auto id = InTransaction(f.pool, [](pqxx::work& work) -> market::StatusOr<int> {
    return work.exec1("INSERT INTO bids (amount) VALUES (500) RETURNING id")[0].as<int>();
  });
  REQUIRE(id.ok());
  CHECK(f.Scalar("SELECT amount FROM bids WHERE id = " + std::to_string(*id)) == 500);

  auto missing = InTransaction(f.pool, [](pqxx::work&) -> market::StatusOr<int> {
    return market::NotFoundError("bid_id: no such bid");
  });
  CHECK(missing.status() == market::NotFoundError("bid_id: no such bid"));
}

TEST_CASE("a transaction runs at the isolation level, access mode and work_mem asked for",
          "[pg][tx]") {
  Fixture f("tx_isolation", "CREATE TABLE t (id integer)");
  // The value of a setting as a transaction run with `options` sees it.
  auto setting = [&](TxOptions options, const std::string& name) {
    auto value =
        InTransaction(f.pool, options, [&](pqxx::work& work) -> market::StatusOr<std::string> {
          return work.exec_params1("SELECT current_setting($1)", name)[0].as<std::string>();
        });
    REQUIRE(value.ok());
    return *value;
  };
  auto level = [&](TxOptions options) { return setting(options, "transaction_isolation"); };
  auto work_mem = [&](TxOptions options) { return setting(options, "work_mem"); };
  CHECK(level({}) == "read committed");
  CHECK(level({.isolation = Isolation::kRepeatableRead}) == "repeatable read");
  CHECK(level({.isolation = Isolation::kSerializable}) == "serializable");

  const std::string session_default = work_mem({});
  CHECK(work_mem({.work_mem_kb = 65536}) == "64MB");
  CHECK(work_mem({}) == session_default);  // LOCAL: the next transaction has the default again
  CHECK(session_default != "64MB");

  const Status write = InTransaction(f.pool, {.read_only = true}, [](pqxx::work& work) {
    work.exec("INSERT INTO t VALUES (1)");
    return OkStatus();
  });
  CHECK_FALSE(write.ok());
  CHECK(f.Scalar("SELECT count(*) FROM t") == 0);
}

TEST_CASE("a serialization failure aborts one transaction, and retries let both succeed",
          "[pg][tx]") {
  Fixture f("tx_skew",
            "CREATE TABLE ledger (id serial PRIMARY KEY, amount bigint NOT NULL);"
            "INSERT INTO ledger (amount) VALUES (100)");

  SECTION("without retries one of them is aborted") {
    std::barrier both_read(2);
    std::atomic<int> runs{0};
    Status a, b;
    std::thread first([&] { a = AppendTotal(f.pool, 1, both_read, runs); });
    std::thread second([&] { b = AppendTotal(f.pool, 1, both_read, runs); });
    first.join();
    second.join();
    CHECK(a.ok() != b.ok());
    const Status failed = a.ok() ? b : a;
    CHECK(failed.code() == StatusCode::kAborted);
    CHECK(failed.message() == "conflicting write; retry");
    CHECK(runs == 2);
    CHECK(f.Scalar("SELECT sum(amount) FROM ledger") == 200);
  }

  SECTION("with retries both commit in a serial order") {
    std::barrier both_read(2);
    std::atomic<int> runs{0};
    Status a, b;
    std::thread first([&] { a = AppendTotal(f.pool, 5, both_read, runs); });
    std::thread second([&] { b = AppendTotal(f.pool, 5, both_read, runs); });
    first.join();
    second.join();
    CHECK(a.ok());
    CHECK(b.ok());
    CHECK(runs >= 3);
    CHECK(f.Scalar("SELECT count(*) FROM ledger") == 3);
    CHECK(f.Scalar("SELECT sum(amount) FROM ledger") == 400);
  }
}

TEST_CASE("a deadlock aborts one transaction, and retries let both succeed", "[pg][tx]") {
  Fixture f("tx_deadlock",
            "CREATE TABLE counters (id integer PRIMARY KEY, n integer NOT NULL);"
            "INSERT INTO counters VALUES (1, 0), (2, 0)");

  SECTION("without retries one of them is aborted") {
    std::barrier both_locked(2);
    Status a, b;
    std::thread first([&] { a = CrossUpdate(f.pool, 1, 1, 2, both_locked); });
    std::thread second([&] { b = CrossUpdate(f.pool, 1, 2, 1, both_locked); });
    first.join();
    second.join();
    CHECK(a.ok() != b.ok());
    CHECK((a.ok() ? b : a).code() == StatusCode::kAborted);
    CHECK(f.Scalar("SELECT sum(n) FROM counters") == 2);
  }

  SECTION("with retries both commit") {
    std::barrier both_locked(2);
    Status a, b;
    std::thread first([&] { a = CrossUpdate(f.pool, 5, 1, 2, both_locked); });
    std::thread second([&] { b = CrossUpdate(f.pool, 5, 2, 1, both_locked); });
    first.join();
    second.join();
    CHECK(a.ok());
    CHECK(b.ok());
    CHECK(f.Scalar("SELECT n FROM counters WHERE id = 1") == 2);
    CHECK(f.Scalar("SELECT n FROM counters WHERE id = 2") == 2);
  }
}

TEST_CASE("a transaction past its deadline does not start", "[pg][tx]") {
  Fixture f("tx_late", "CREATE TABLE t (id integer)");
  int runs = 0;
  const Status status =
      InTransaction(f.pool, {.deadline = Clock::now() - 1ms}, [&](pqxx::work& work) {
        ++runs;
        work.exec("INSERT INTO t VALUES (1)");
        return OkStatus();
      });
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK(runs == 0);
  CHECK(f.Scalar("SELECT count(*) FROM t") == 0);
}

TEST_CASE("a transaction without a deadline is bounded by the pool's statement timeout",
          "[pg][tx]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("tx_default_timeout");
  Pool pool({.dsn = db.dsn, .max_connections = 2, .statement_timeout = 200ms});
  const auto started = Clock::now();
  const Status status = InTransaction(pool, [&](pqxx::work& work) {
    work.exec("SELECT pg_sleep(3)");
    return OkStatus();
  });
  CHECK(status.code() == StatusCode::kDeadlineExceeded);
  CHECK(Clock::now() - started < 2s);

  SECTION("a caller's deadline still sets its own, longer bound") {
    const Status slept =
        InTransaction(pool, {.deadline = Clock::now() + 5s}, [&](pqxx::work& work) {
          work.exec("SELECT pg_sleep(0.4)");
          return OkStatus();
        });
    CHECK(slept.ok());
  }
}

// The value of `name` as a transaction with default options sees it.
std::string DefaultSetting(Pool& pool, const std::string& name) {
  auto value = InTransaction(pool, [&](pqxx::work& work) -> market::StatusOr<std::string> {
    return work.exec_params1("SELECT current_setting($1)", name)[0].as<std::string>();
  });
  REQUIRE(value.ok());
  return *value;
}

TEST_CASE("role-level defaults never change what a pooled transaction runs with", "[pg][tx]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("tx_role_defaults");
  {
    pqxx::connection admin(market::testing::PgAdminDsn());
    pqxx::nontransaction alter(admin);
    for (const char* setting :
         {"default_transaction_isolation = 'serializable'", "default_transaction_read_only = on",
          "statement_timeout = 0", "plan_cache_mode = force_custom_plan"}) {
      alter.exec("ALTER ROLE " + alter.quote_name(db.role) + " SET " + setting);
    }
  }
  Pool pool({.dsn = db.dsn, .max_connections = 1, .statement_timeout = 1500ms});
  CHECK(DefaultSetting(pool, "transaction_isolation") == "read committed");
  CHECK(DefaultSetting(pool, "transaction_read_only") == "off");
  CHECK(DefaultSetting(pool, "statement_timeout") == "1500ms");
  CHECK(DefaultSetting(pool, "plan_cache_mode") == "force_custom_plan");

  SECTION("a transaction's own settings end with it") {
    const Status own = InTransaction(
        pool,
        {.isolation = Isolation::kSerializable, .deadline = Clock::now() + 60s, .read_only = true},
        [](pqxx::work& work) {
          CHECK(work.exec1("SHOW transaction_isolation")[0].as<std::string>() == "serializable");
          CHECK(work.exec1("SHOW transaction_read_only")[0].as<std::string>() == "on");
          CHECK(work.exec1("SHOW statement_timeout")[0].as<std::string>() != "1500ms");
          return OkStatus();
        });
    CHECK(own.ok());
    CHECK(DefaultSetting(pool, "transaction_isolation") == "read committed");
    CHECK(DefaultSetting(pool, "transaction_read_only") == "off");
    CHECK(DefaultSetting(pool, "statement_timeout") == "1500ms");
  }
}

TEST_CASE("a pool for batch writers plans every statement generically", "[pg][tx]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("tx_generic_plans");
  Pool generic({.dsn = db.dsn, .max_connections = 1, .generic_plans = true});
  Pool ordinary({.dsn = db.dsn, .max_connections = 1});
  CHECK(DefaultSetting(generic, "plan_cache_mode") == "force_generic_plan");
  CHECK(DefaultSetting(ordinary, "plan_cache_mode") == "auto");
}

TEST_CASE("a DSN's own session options are kept next to the pool's", "[pg][tx]") {
  market::testing::TestDatabase db = market::testing::CreateServiceDatabase("tx_dsn_options");
  Pool pool(
      {.dsn = db.dsn + " options='-c application_name=market\\\\ probe'", .max_connections = 1});
  CHECK(DefaultSetting(pool, "application_name") == "market probe");
  CHECK(DefaultSetting(pool, "transaction_isolation") == "read committed");
}
