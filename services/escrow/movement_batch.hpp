// MovementBatcher: escrow's money-moving calls, run in batches of one transaction each. A
// transaction per movement costs PostgreSQL a commit and about eight statements, each with its
// own executor start; a batch pays the commit once and its statements once for all of its
// movements, except a release's tax standing, read per release (DESIGN.md money rules 2, 3 and
// 4 hold per movement, as before):
//
//   1. claim every idempotency key (one statement); a taken key answers with its stored answer;
//   2. lock the movements' contracts in id order, with their milestones (two statements);
//   3. `prepare` each movement on its contract: it checks the contract and names its
//      transfers, writing nothing;
//   4. lock every account of every transfer, in id order (one statement);
//   5. apply the movements in turn to the locked balances: one that would overdraw a wallet or
//      an escrow account is refused and moves nothing;
//   6. append every accepted transfer (one statement);
//   7. `finish` each accepted movement: it adds the state the money paid for to the batch's
//      PendingWrites and fills its answer; the writes go in (two or three statements);
//   8. store the answers and free the keys of the refused movements (one statement); COMMIT.
//
// A refused movement answers only for itself. If the transaction fails as a whole (a deadlock,
// a lost connection, a deadline, an error from a `finish`), each of its movements runs again
// as a batch of its own (TogetherOrAlone). Movements with the same lock key (the contract id) never
// share a batch, since each one's `prepare` must see the state the one before it wrote.
//
//   MovementBatcher batcher(pool, {.max_batch = 32, .max_writers = 2});
//   Status status = batcher.Run({.scope = scope, .response = &response,
//                                .lock_key = contract_id, .contract_id = contract_id,
//                                .deadline = ctx.deadline,
//                                .prepare = [&](MovementInput& in) -> StatusOr<MovementPlan>
//                                {...}});
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/common/batch_combiner.hpp"
#include "market/common/metrics.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"
#include "pending_writes.hpp"

namespace market::escrow {

struct MovementPlan {
  std::vector<TransferSpec> transfers;
  // Replaces the message of an "insufficient funds" refusal, to name the caller's side of it
  // ("wallet: holds too little EUR ..."); empty keeps the ledger's own.
  std::string refusal;
  // After the transfers are appended: adds the state the money paid for to `writes`, which the
  // batch writes in the same transaction, and fills the response. `posted` holds one entry per
  // transfer, in order. An error here fails the whole transaction (the transfers are written
  // already), so only for the unexpected.
  std::function<Status(PendingWrites& writes, const std::vector<PostedTransfer>& posted)> finish;
};

// What a batch hands each movement's `prepare`.
struct MovementInput {
  pqxx::work& tx;
  // The movement's contract, locked with the batch's other contracts before any `prepare`
  // runs; none when Movement::contract_id is empty or names no contract.
  std::optional<ContractRecord> contract;
  // The transaction's start on database time (now()); zero when the batch locked no contract.
  std::int64_t now_micros = 0;
};

struct Movement {
  IdempotencyScope scope;
  google::protobuf::Message* response = nullptr;
  std::string lock_key;
  // The contract the batch locks for the movement (a UUID), or empty; movements naming one
  // contract must share a lock key.
  std::string contract_id;
  // The one milestone of the contract that `prepare` needs, or empty for all of them (a
  // release: the contract's completion and a roll look at every milestone).
  std::string only_milestone_id;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Checks what the movement needs and plans its transfers; writes nothing. An error is the
  // call's answer. May run more than once (a retried or a failed batch).
  std::function<StatusOr<MovementPlan>(MovementInput&)> prepare;
};

// Gauges of the batches, for /metrics and the benchmark.
metrics::Gauge& MovementsInFlight();
metrics::Histogram& MovementBatchSizes();

class MovementBatcher {
 public:
  // Its batches run on a pool of their own: one connection per writer, made from the service's
  // `database` options.
  MovementBatcher(const pg::PoolOptions& database, BatchCombinerOptions options);

  // Blocks until the movement's batch has committed (or failed); fills *movement.response.
  Status Run(Movement movement);

 private:
  using Batch = std::vector<const Movement*>;

  // The batch in one transaction; a non-OK Status when that transaction failed as a whole.
  StatusOr<std::vector<Status>> RunInOneTransaction(const Batch& movements);

  pg::Pool pool_;
  BatchCombiner<Movement, Status> combiner_;
};

}  // namespace market::escrow
