// MovementBatcher: escrow's money-moving calls, run in batches of one transaction each. A
// transaction per movement costs PostgreSQL a commit and about eight statements, each with its
// own executor start; a batch pays the commit once and most statements once for all of its
// movements (DESIGN.md money rules 2, 3 and 4 hold per movement, as before):
//
//   1. claim every idempotency key (one statement); a taken key answers with its stored answer;
//   2. `prepare` each movement, in lock-key order: it locks and reads its own rows (the
//      contract), checks them and names its transfers, writing nothing;
//   3. lock every account of every transfer, in id order (one statement);
//   4. apply the movements in turn to the locked balances: one that would overdraw a wallet or
//      an escrow account is refused and moves nothing;
//   5. append every accepted transfer (one statement);
//   6. `finish` each accepted movement: it writes the state the money paid for and its answer;
//   7. store the answers and free the keys of the refused movements (one statement); COMMIT.
//
// A refused movement answers only for itself. If the transaction fails as a whole (a deadlock,
// a lost connection, a deadline, an error from a `finish`), each of its movements runs again
// as a batch of its own (TogetherOrAlone). Movements with the same lock key (the contract id) never
// share a batch, since each one's `prepare` must see the state the one before it wrote.
//
//   MovementBatcher batcher(pool, {.max_batch = 32, .max_writers = 2});
//   Status status = batcher.Run({.scope = scope, .response = &response,
//                                .lock_key = contract_id, .deadline = ctx.deadline,
//                                .prepare = [&](pqxx::work& tx) -> StatusOr<MovementPlan> {...}});
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <pqxx/transaction>

#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/common/batch_combiner.hpp"
#include "market/common/metrics.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::escrow {

struct MovementPlan {
  std::vector<TransferSpec> transfers;
  // Replaces the message of an "insufficient funds" refusal, to name the caller's side of it
  // ("wallet: holds too little EUR ..."); empty keeps the ledger's own.
  std::string refusal;
  // After the transfers are appended, in the same transaction: writes the state the money paid
  // for and fills the response. `posted` holds one entry per transfer, in order. An error here
  // fails the whole transaction (the transfers are written already), so only for the
  // unexpected.
  std::function<Status(pqxx::work&, const std::vector<PostedTransfer>&)> finish;
};

struct Movement {
  IdempotencyScope scope;
  google::protobuf::Message* response = nullptr;
  std::string lock_key;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Locks and reads what the movement needs, checks it, and plans its transfers; writes nothing.
  // An error is the call's answer. May run more than once (a retried or a failed batch).
  std::function<StatusOr<MovementPlan>(pqxx::work&)> prepare;
};

// Gauges of the batches, for /metrics and the benchmark.
metrics::Gauge& MovementsInFlight();
metrics::Histogram& MovementBatchSizes();

class MovementBatcher {
 public:
  MovementBatcher(pg::Pool& pool, BatchCombinerOptions options);

  // Blocks until the movement's batch has committed (or failed); fills *movement.response.
  Status Run(Movement movement);

 private:
  using Batch = std::vector<const Movement*>;

  // The batch in one transaction; a non-OK Status when that transaction failed as a whole.
  StatusOr<std::vector<Status>> RunInOneTransaction(const Batch& movements);

  pg::Pool& pool_;
  BatchCombiner<Movement, Status> combiner_;
};

}  // namespace market::escrow
