#include "market/pg/pool.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using market::StatusCode;
using market::pg::Pool;

int BackendsOf(const std::string& role) {
  pqxx::connection admin(market::testing::PgAdminDsn());
  pqxx::nontransaction query(admin);
  return query.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", role)[0]
      .as<int>();
}

void TerminateBackendsOf(const std::string& role) {
  pqxx::connection admin(market::testing::PgAdminDsn());
  pqxx::nontransaction query(admin);
  query.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                    role);
}

void WaitForBackends(const std::string& role, int count) {
  const auto give_up = Clock::now() + 10s;
  while (BackendsOf(role) != count) {
    REQUIRE(Clock::now() < give_up);
    std::this_thread::sleep_for(20ms);
  }
}

market::Status SelectOne(pqxx::work& work) {
  work.exec1("SELECT 1");
  return market::OkStatus();
}

void UpdateMax(std::atomic<int>& most, int value) {
  int seen = most.load();
  while (value > seen && !most.compare_exchange_weak(seen, value)) {
  }
}

}  // namespace

TEST_CASE("a pool never holds more connections than its maximum under 16 threads", "[pg][pool]") {
  const auto db = market::testing::CreateServiceDatabase("pool_bounds");
  Pool pool({.dsn = db.dsn, .max_connections = 4, .acquire_timeout = 20s});

  std::atomic<int> holding{0}, most_holding{0}, server_most{0}, failures{0};
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      UpdateMax(server_most, BackendsOf(db.role));
      std::this_thread::sleep_for(5ms);
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 16; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        auto connection = pool.Acquire();
        if (!connection.ok()) {
          ++failures;
          continue;
        }
        UpdateMax(most_holding, ++holding);
        pqxx::nontransaction query(**connection);
        query.exec("SELECT pg_sleep(0.005)");
        --holding;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  done = true;
  sampler.join();

  CHECK(failures == 0);
  CHECK(most_holding <= 4);
  CHECK(most_holding == 4);  // the threads really competed for the connections
  CHECK(server_most <= 4);
  const market::pg::PoolStats stats = pool.Stats();
  CHECK(stats.max == 4);
  CHECK(stats.created <= 4);
  CHECK(stats.in_use == 0);
  CHECK(stats.idle == stats.created);
}

TEST_CASE("acquire gives up with unavailable when the pool stays exhausted", "[pg][pool]") {
  const auto db = market::testing::CreateServiceDatabase("pool_exhausted");
  Pool pool({.dsn = db.dsn, .max_connections = 2, .acquire_timeout = 300ms});
  std::optional<market::StatusOr<market::pg::PooledConnection>> first{pool.Acquire()};
  auto second = pool.Acquire();
  REQUIRE(first->ok());
  REQUIRE(second.ok());

  SECTION("after acquire_timeout") {
    const auto start = Clock::now();
    auto third = pool.Acquire();
    const auto waited = Clock::now() - start;
    REQUIRE_FALSE(third.ok());
    CHECK(third.status().code() == StatusCode::kUnavailable);
    CHECK(waited >= 290ms);
    CHECK(waited < 3s);
    CHECK(pool.Stats().waits_timed_out == 1);
    CHECK(pool.Stats().in_use == 2);
  }

  SECTION("at the caller's deadline when it comes first") {
    const auto start = Clock::now();
    auto third = pool.Acquire(start + 50ms);
    const auto waited = Clock::now() - start;
    REQUIRE_FALSE(third.ok());
    CHECK(third.status().code() == StatusCode::kUnavailable);
    CHECK(waited < 250ms);
  }

  SECTION("a waiter gets the connection as soon as one is returned") {
    Pool patient({.dsn = db.dsn, .max_connections = 1, .acquire_timeout = 5s});
    std::optional<market::StatusOr<market::pg::PooledConnection>> held{patient.Acquire()};
    REQUIRE(held->ok());
    std::thread releaser([&] {
      std::this_thread::sleep_for(100ms);
      held.reset();
    });
    const auto start = Clock::now();
    auto waiter = patient.Acquire();
    releaser.join();
    CHECK(waiter.ok());
    CHECK(Clock::now() - start < 2s);
    CHECK(patient.Stats().created == 1);
  }

  first.reset();
  auto again = pool.Acquire();
  CHECK(again.ok());
}

TEST_CASE("a pool recovers after the server kills its connections", "[pg][pool]") {
  const auto db = market::testing::CreateServiceDatabase("pool_recovery");
  Pool pool({.dsn = db.dsn, .max_connections = 3});
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    auto c = pool.Acquire();
    REQUIRE((a.ok() && b.ok() && c.ok()));
  }
  WaitForBackends(db.role, 3);
  TerminateBackendsOf(db.role);
  WaitForBackends(db.role, 0);

  SECTION("the next transaction succeeds") {
    CHECK(market::pg::InTransaction(pool, SelectOne).ok());
    CHECK(pool.Ping().ok());
  }
  SECTION("concurrent transactions all succeed") {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 5; ++i) {
          if (!market::pg::InTransaction(pool, SelectOne).ok()) ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(failures == 0);
  }
  SECTION("a connection idle past validate_after_idle is checked before use") {
    Pool validating({.dsn = db.dsn, .max_connections = 1, .validate_after_idle = 0ms});
    REQUIRE(validating.Ping().ok());
    WaitForBackends(db.role, 1);
    TerminateBackendsOf(db.role);
    WaitForBackends(db.role, 0);
    auto connection = validating.Acquire();
    REQUIRE(connection.ok());
    pqxx::nontransaction query(**connection);
    CHECK(query.exec1("SELECT 1")[0].as<int>() == 1);
    CHECK(validating.Stats().created == 2);
  }
  CHECK(pool.Stats().in_use == 0);
}
