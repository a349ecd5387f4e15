// The ledger's money rules on the real PostgreSQL, with the rights the service's own role has:
// append-only transfers (rule 8), balanced transfers (rule 2), no negative wallet even under
// concurrent withdrawals (rule 3), all legs or none (rule 6).
#include "ledger.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "escrow_migrations.hpp"
#include "ledger_check.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/errors.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace market::escrow {
namespace {

constexpr char kUser[] = "6f1c1d8e-1111-4a4a-9b9b-000000000001";

struct LedgerDatabase {
  LedgerDatabase()
      : database(testing::CreateServiceDatabase("escrow_ledger")),
        pool({.dsn = database.dsn, .max_connections = 24}) {
    REQUIRE(pg::ApplyMigrations(pool, database.schema,
                                {&events::OutboxMigrations(), &migrations::escrow()})
                .ok());
  }

  Status Post(const TransferSpec& spec) {
    return pg::InTransaction(
        pool, [&](pqxx::work& tx) -> Status { return PostTransfer(tx, spec).status(); });
  }

  void MustPost(const TransferSpec& spec) {
    const Status status = Post(spec);
    INFO(status.ToString());
    REQUIRE(status.ok());
  }

  TransferSpec TopUp(std::int64_t amount, const std::string& currency = "USD") {
    return {.kind = "top_up",
            .contract_id = "",
            .milestone_id = "",
            .legs = {{Platform(AccountKind::kFundingClearing, currency, kUser), -amount},
                     {Wallet(kUser, currency), amount}}};
  }

  TransferSpec Withdraw(std::int64_t amount) {
    return {.kind = "payout",
            .contract_id = "",
            .milestone_id = "",
            .legs = {{Wallet(kUser, "USD"), -amount},
                     {Platform(AccountKind::kPayoutClearing, "USD", kUser), amount}}};
  }

  std::int64_t Balance(const AccountKey& account) {
    std::int64_t balance = 0;
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              balance = BalanceOf(tx, account);
              return OkStatus();
            }).ok());
    return balance;
  }

  // A statement run as the service's role; its error as a Status.
  Status Run(const std::string& sql) {
    return pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
      try {
        tx.exec(sql);
      } catch (const std::exception& error) {
        return pg::StatusFromException(error);
      }
      return OkStatus();
    });
  }

  v1::CheckLedgerResponse Check() {
    v1::CheckLedgerResponse response;
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              response = RunLedgerCheck(tx);
              return OkStatus();
            }).ok());
    return response;
  }

  testing::TestDatabase database;
  pg::Pool pool;
};

TEST_CASE("the service's role cannot update, delete or truncate transfers and legs",
          "[escrow][ledger]") {
  LedgerDatabase db;
  db.MustPost(db.TopUp(5000));
  for (const std::string sql : {"UPDATE legs SET amount = amount * 2", "DELETE FROM legs",
                                "UPDATE transfers SET kind = 'refund'", "DELETE FROM transfers",
                                "TRUNCATE legs", "TRUNCATE transfers CASCADE"}) {
    CAPTURE(sql);
    CHECK(db.Run(sql).code() == StatusCode::kPermissionDenied);
  }
  // Even with the rights granted back, the trigger refuses the change.
  REQUIRE(db.Run("GRANT UPDATE, DELETE ON legs TO CURRENT_USER").ok());
  CHECK(db.Run("UPDATE legs SET amount = amount * 2").code() == StatusCode::kPermissionDenied);
  CHECK(db.Run("DELETE FROM legs").code() == StatusCode::kPermissionDenied);
  CHECK(db.Balance(Wallet(kUser, "USD")) == 5000);
  CHECK(db.Check().ok());
}

TEST_CASE("an unbalanced transfer cannot commit", "[escrow][ledger]") {
  LedgerDatabase db;
  db.MustPost(db.TopUp(100));
  const Status status = db.Run(
      "WITH t AS (INSERT INTO transfers (kind) VALUES ('forged') RETURNING id) "
      "INSERT INTO legs (transfer_id, account_id, currency, amount) "
      "SELECT t.id, a.id, a.currency, 1 FROM t, accounts a WHERE a.kind = 'wallet'");
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  // PostTransfer refuses one before it reaches the database.
  TransferSpec lopsided = db.TopUp(100);
  lopsided.legs[1].amount = 99;
  CHECK(db.Post(lopsided).code() == StatusCode::kInternal);
  // Legs in another currency than their account's are refused as well.
  CHECK(db.Run("WITH t AS (INSERT INTO transfers (kind) VALUES ('forged') RETURNING id) "
               "INSERT INTO legs (transfer_id, account_id, currency, amount) "
               "SELECT t.id, a.id, 'EUR', CASE WHEN a.kind = 'wallet' THEN 1 ELSE -1 END "
               "FROM t, accounts a")
            .code() == StatusCode::kFailedPrecondition);
  CHECK(db.Balance(Wallet(kUser, "USD")) == 100);
  CHECK(db.Check().ok());
  CHECK(db.Check().transfers() == 1);
}

TEST_CASE("a wallet never goes negative and a refused transfer writes nothing",
          "[escrow][ledger]") {
  LedgerDatabase db;
  db.MustPost(db.TopUp(100));
  const Status overdraw = db.Post(db.Withdraw(101));
  CHECK(overdraw.code() == StatusCode::kFailedPrecondition);
  CHECK(overdraw.message().rfind("insufficient funds", 0) == 0);
  CHECK(db.Balance(Wallet(kUser, "USD")) == 100);
  CHECK(db.Check().transfers() == 1);
  // The database's own check backs the service's up.
  CHECK(db.Run("UPDATE accounts SET balance = -1 WHERE kind = 'wallet'").code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("concurrent withdrawals never overdraw a wallet", "[escrow][ledger][race]") {
  LedgerDatabase db;
  db.MustPost(db.TopUp(100));
  std::atomic<int> succeeded{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 3; ++j) {
        const Status status = db.Post(db.Withdraw(3));
        if (status.ok()) ++succeeded;
        if (status.code() == StatusCode::kFailedPrecondition) ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(succeeded == 33);  // 33 * 3 = 99 of the 100
  CHECK(refused == 48 - 33);
  CHECK(db.Balance(Wallet(kUser, "USD")) == 1);
  const auto check = db.Check();
  CHECK(check.ok());
  CHECK(check.problems().empty());
}

TEST_CASE("the ledger check recomputes every balance and shows its figures", "[escrow][ledger]") {
  LedgerDatabase db;
  db.MustPost(db.TopUp(1, "JPY"));
  db.MustPost(db.TopUp(1, "KWD"));
  auto check = db.Check();
  REQUIRE(check.ok());
  REQUIRE(check.currencies_size() == 2);
  for (const auto& currency : check.currencies()) {
    CAPTURE(currency.currency());
    CHECK(currency.sum_minor_units() == 0);
    for (const auto& figure : currency.accounts()) {
      CHECK(figure.stored().minor_units() == figure.recomputed().minor_units());
      CHECK(std::abs(figure.recomputed().minor_units()) == 1);
    }
  }
  // A stored balance that drifts from its legs is found and named. The service's role may
  // still change balances (it keeps them), so this stands in for a bug that would.
  REQUIRE(db.Run("UPDATE accounts SET balance = balance + 1 WHERE kind = 'wallet' AND "
                 "currency = 'JPY'")
              .ok());
  check = db.Check();
  CHECK_FALSE(check.ok());
  REQUIRE(check.problems_size() >= 1);
  CHECK(check.problems(0).find("(wallet, JPY) stores 2, its legs sum to 1") != std::string::npos);
}

}  // namespace
}  // namespace market::escrow
