// MovementBatcher on the real PostgreSQL: the movements of one batch commit in one transaction,
// and each is still judged alone (money rules 3 and 4): a refused or failed movement moves
// nothing and frees its key, a taken key answers with its stored answer, two movements on one
// wallet see each other's balance. A batch that fails as a whole runs its movements alone.
#include "movement_batch.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "escrow_migrations.hpp"
#include "ledger_check.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "market/events/outbox.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace market::escrow {
namespace {

using Response = v1::FundMilestoneResponse;

TransferSpec TopUp(const std::string& user, std::int64_t amount) {
  return {.kind = "top_up",
          .contract_id = "",
          .milestone_id = "",
          .legs = {{Platform(AccountKind::kFundingClearing, "USD", user), -amount},
                   {Wallet(user, "USD"), amount}}};
}

TransferSpec Pay(const std::string& from, const std::string& to, std::int64_t amount) {
  return {.kind = "payout",
          .contract_id = "",
          .milestone_id = "",
          .legs = {{Wallet(from, "USD"), -amount}, {Wallet(to, "USD"), amount}}};
}

struct BatchDatabase {
  BatchDatabase()
      : database(testing::CreateServiceDatabase("escrow_batch")),
        pool({.dsn = database.dsn, .max_connections = 24}) {
    REQUIRE(pg::ApplyMigrations(pool, database.schema,
                                {&events::OutboxMigrations(), &migrations::escrow()})
                .ok());
  }

  // A movement of `spec` by `caller` under `key`; the request hashed is the spec's kind and
  // first leg, so a key reused with another amount is a different request. The answer holds
  // the caller's wallet balance after the movement; `transfer_ids` collects what was posted.
  Movement MovementOf(const std::string& caller, const std::string& key, TransferSpec spec,
                      Response& response) {
    v1::FundMilestoneRequest request;
    request.set_idempotency_key(key);
    request.mutable_milestone()->set_contract_id(spec.kind);
    request.mutable_milestone()->set_milestone_id(std::to_string(spec.legs.front().amount));
    StatusOr<IdempotencyScope> scope = ScopeOf(caller, "Move", request);
    REQUIRE(scope.ok());
    return {
        .scope = *scope,
        .response = &response,
        .lock_key = caller + "/" + key,
        .contract_id = {},
        .only_milestone_id = {},
        .deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30),
        .prepare = [this, spec, caller, &response](MovementInput&) -> StatusOr<MovementPlan> {
          const AccountKey wallet = Wallet(caller, "USD");
          return MovementPlan{
              .transfers = {spec},
              .refusal = "wallet: holds too little USD for this movement",
              .finish = [this, wallet, &response](
                            PendingWrites&, const std::vector<PostedTransfer>& posted) -> Status {
                response.mutable_wallet()->mutable_available()->set_minor_units(
                    posted.front().balances.at(wallet));
                std::lock_guard lock(mutex);
                transfer_ids.push_back(posted.front().id);
                return OkStatus();
              }};
        }};
  }

  std::string Scalar(const std::string& sql) {
    std::string value;
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              value = tx.exec1(sql)[0].as<std::string>();
              return OkStatus();
            }).ok());
    return value;
  }

  std::int64_t Balance(const std::string& user) {
    return std::stoll(
        Scalar("SELECT coalesce(sum(balance), 0) FROM accounts WHERE kind = "
               "'wallet' AND owner = '" +
               user + "'"));
  }

  bool LedgerChecks() {
    bool ok = false;
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              ok = RunLedgerCheck(tx).ok();
              return OkStatus();
            }).ok());
    return ok;
  }

  testing::TestDatabase database;
  pg::Pool pool;
  std::mutex mutex;
  std::vector<std::int64_t> transfer_ids;
};

// Runs `movements` as one batch of a one-writer batcher: a first movement holds the writer in
// its `prepare` until all of them are queued behind it.
std::vector<Status> RunAsOneBatch(BatchDatabase& db, MovementBatcher& batcher,
                                  std::vector<Movement> movements) {
  const double queued_before = MovementsInFlight().Value();
  Response blocker_response;
  Movement blocker = db.MovementOf("blocker", "hold", TopUp("blocker", 1), blocker_response);
  blocker.prepare = [&, wanted = queued_before + 1 + static_cast<double>(movements.size())](
                        MovementInput&) -> StatusOr<MovementPlan> {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (MovementsInFlight().Value() < wanted && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return MovementPlan{.transfers = {TopUp("blocker", 1)}, .refusal = {}, .finish = {}};
  };
  auto held = std::async(std::launch::async, [&] { return batcher.Run(std::move(blocker)); });
  while (MovementsInFlight().Value() < queued_before + 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::vector<std::future<Status>> answers;
  for (Movement& movement : movements) {
    answers.push_back(std::async(std::launch::async, [&batcher, m = std::move(movement)]() mutable {
      return batcher.Run(std::move(m));
    }));
  }
  REQUIRE(held.get().ok());
  std::vector<Status> statuses;
  for (auto& answer : answers) statuses.push_back(answer.get());
  return statuses;
}

TEST_CASE("one batch commits its movements together and judges each alone", "[escrow][batch]") {
  BatchDatabase db;
  MovementBatcher batcher(db.pool.options(), {.max_batch = 32, .max_writers = 1});
  const auto sizes_before = MovementBatchSizes().Take();

  // Earlier calls: a key answered already, and money in three wallets.
  Response first;
  REQUIRE(batcher.Run(db.MovementOf("ann", "top-up", TopUp("ann", 1000), first)).ok());
  Response ignored;
  REQUIRE(batcher.Run(db.MovementOf("bob", "top-up", TopUp("bob", 300), ignored)).ok());
  REQUIRE(batcher.Run(db.MovementOf("cyd", "top-up", TopUp("cyd", 100), ignored)).ok());
  db.transfer_ids.clear();

  Response paid, overdrawn, repeated, reused, not_found, bob_first, bob_second;
  std::vector<Movement> movements;
  movements.push_back(db.MovementOf("ann", "pay-1", Pay("ann", "dan", 400), paid));
  movements.push_back(db.MovementOf("cyd", "pay-1", Pay("cyd", "dan", 101), overdrawn));
  movements.push_back(db.MovementOf("ann", "top-up", TopUp("ann", 1000), repeated));
  movements.push_back(db.MovementOf("ann", "top-up-2", TopUp("ann", 5), reused));
  movements.back().scope.key = "top-up";  // the first key, with another request
  movements.push_back(db.MovementOf("eve", "pay-1", Pay("eve", "dan", 1), not_found));
  movements.back().prepare = [](MovementInput&) -> StatusOr<MovementPlan> {
    return NotFoundError("milestone: not found");
  };
  // Two movements drawing on bob's 300: whichever comes second in the batch finds 100 left.
  movements.push_back(db.MovementOf("bob", "pay-1", Pay("bob", "dan", 200), bob_first));
  movements.push_back(db.MovementOf("bob", "pay-2", Pay("bob", "dan", 200), bob_second));
  // One key with two different requests on two contracts: one claims it, the other is told the
  // key is taken.
  Response fay_ten, fay_twenty;
  movements.push_back(db.MovementOf("fay", "twice", TopUp("fay", 10), fay_ten));
  movements.push_back(db.MovementOf("fay", "twice", TopUp("fay", 20), fay_twenty));
  movements.back().lock_key = "fay/another-contract";

  const std::vector<Status> answers = RunAsOneBatch(db, batcher, std::move(movements));
  const auto sizes = MovementBatchSizes().Take();
  // The earlier calls and the blocker ran alone; the nine then ran as one batch.
  CHECK(sizes.sum - sizes_before.sum == 3 + 1 + 9);

  CHECK(answers[0].ok());
  CHECK(answers[1].code() == StatusCode::kFailedPrecondition);
  CHECK(answers[1].message() == "wallet: holds too little USD for this movement");
  CHECK(answers[2].ok());  // the stored answer of the first call
  CHECK(first.wallet().available().minor_units() == 1000);
  CHECK(repeated.SerializeAsString() == first.SerializeAsString());
  CHECK(answers[3].code() == StatusCode::kAlreadyExists);
  CHECK(answers[4].code() == StatusCode::kNotFound);
  CHECK(answers[5].ok() != answers[6].ok());
  const Status& refused_bob = answers[5].ok() ? answers[6] : answers[5];
  CHECK(refused_bob.code() == StatusCode::kFailedPrecondition);
  CHECK(answers[7].ok() != answers[8].ok());
  const Status& refused_fay = answers[7].ok() ? answers[8] : answers[7];
  CHECK(refused_fay.code() == StatusCode::kAlreadyExists);
  CHECK(db.Balance("fay") == (answers[7].ok() ? 10 : 20));

  CHECK(db.Balance("ann") == 600);
  CHECK(db.Balance("bob") == 100);
  CHECK(db.Balance("cyd") == 100);
  CHECK(db.Balance("dan") == 600);
  // The three movements that moved money (and nothing else) were written by one transaction.
  REQUIRE(db.transfer_ids.size() == 3);
  CHECK(db.Scalar("SELECT count(DISTINCT xmin::text) FROM transfers WHERE id IN (" +
                  std::to_string(db.transfer_ids[0]) + ", " + std::to_string(db.transfer_ids[1]) +
                  ", " + std::to_string(db.transfer_ids[2]) + ")") == "1");
  // Three earlier top-ups, the blocker's, the two payments and fay's top-up.
  CHECK(db.Scalar("SELECT count(*) FROM transfers") == "7");
  CHECK(db.LedgerChecks());

  // The refused and failed calls' keys are free: a retry after a top-up moves the money.
  REQUIRE(batcher.Run(db.MovementOf("cyd", "top-up-2", TopUp("cyd", 1), ignored)).ok());
  Response retried;
  CHECK(batcher.Run(db.MovementOf("cyd", "pay-1", Pay("cyd", "dan", 101), retried)).ok());
  CHECK(db.Balance("cyd") == 0);
  CHECK(db.LedgerChecks());
}

TEST_CASE("a batch that fails as a whole runs each of its movements alone", "[escrow][batch]") {
  BatchDatabase db;
  MovementBatcher batcher(db.pool.options(), {.max_batch = 32, .max_writers = 1});
  Response ignored;
  REQUIRE(batcher.Run(db.MovementOf("ann", "top-up", TopUp("ann", 1000), ignored)).ok());

  // The first movement's finish fails once: in the batch, whose transaction then rolls back.
  std::atomic<int> finishes{0};
  Response flaky, steady;
  std::vector<Movement> movements;
  movements.push_back(db.MovementOf("ann", "pay-1", Pay("ann", "dan", 100), flaky));
  movements.back().prepare = [&](MovementInput&) -> StatusOr<MovementPlan> {
    return MovementPlan{
        .transfers = {Pay("ann", "dan", 100)},
        .refusal = {},
        .finish = [&](PendingWrites&, const std::vector<PostedTransfer>&) -> Status {
          if (finishes++ == 0) return InternalError("finish failed once");
          return OkStatus();
        }};
  };
  movements.push_back(db.MovementOf("ann", "pay-2", Pay("ann", "eve", 50), steady));

  const std::vector<Status> answers = RunAsOneBatch(db, batcher, std::move(movements));
  CHECK(answers[0].ok());
  CHECK(answers[1].ok());
  CHECK(finishes == 2);
  CHECK(db.Balance("ann") == 850);
  CHECK(db.Balance("dan") == 100);
  CHECK(db.Balance("eve") == 50);
  // Run alone: each in a transaction of its own, each key stored once. Which movement the
  // batch finished first depends on the threads, so the ledger is asked, not the finishes.
  CHECK(db.Scalar("SELECT count(*) FROM transfers WHERE kind = 'payout'") == "2");
  CHECK(db.Scalar("SELECT count(DISTINCT xmin::text) FROM transfers WHERE kind = 'payout'") == "2");
  CHECK(db.Scalar("SELECT count(*) FROM idempotency_keys WHERE caller = 'ann' AND response IS "
                  "NOT NULL") == "3");
  CHECK(db.LedgerChecks());
}

}  // namespace
}  // namespace market::escrow
