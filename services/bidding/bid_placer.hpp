// BidPlacer: PlaceBid's transaction, made for batches. Concurrent calls are combined
// (market/common/batch_combiner.hpp): one transaction places a whole batch, with one statement
// per step for all of its bids, so the statements, the COMMIT and its fsync are paid once per
// batch instead of once per bid. Under load the batches grow by themselves; a lone call is a
// batch of one and waits for nobody.
//
// Each bid of a batch is judged on its own, by the same rules (bid_rules.hpp) against bidding's
// copy of its job, share-locked as a single call would lock it, so a broken rule refuses that
// bid alone and the others commit. A batch never holds two bids of one freelancer (their credit
// balances would interact). If the batch's transaction fails as a whole (an unexpected database
// error, a deadlock past its retries, the earliest deadline of the batch), each of its bids is
// placed again in a transaction of its own, so no bid pays for another's trouble.
//
// Metrics: PlacementsInFlight() and PlacementBatchSizes() below.
//
//   BidPlacer placer(pool, policy, clock, {.max_batch = 32, .max_writers = 2});
//   StatusOr<PlacedBidAnswer> placed = placer.Place({.caller = caller, .job_id = ..., ...});
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bid_repository.hpp"
#include "bid_terms.hpp"
#include "credit_policy.hpp"
#include "market/auth/principal.hpp"
#include "market/common/batch_combiner.hpp"
#include "market/common/metrics.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::bidding {

// market_bidding_place_in_flight: PlaceBid calls queued or in a running batch, process-wide.
metrics::Gauge& PlacementsInFlight();
// market_bidding_place_batch_size: bids per batch; its sum over its count is the mean batch.
metrics::Histogram& PlacementBatchSizes();

struct BidToPlace {
  auth::Principal caller;       // a freelancer with an ISO 3166-1 country
  std::string job_id;           // a UUID, either letter case
  Terms terms;                  // validated (ValidateTerms)
  std::string payout_currency;  // a known code, or empty for the job's currency
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct PlacedBidAnswer {
  BidRecord bid;
  std::int64_t credit_balance = 0;  // the freelancer's credits left this month
};

class BidPlacer {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // At most options.max_writers batches run at once, each of at most options.max_batch bids, on
  // a pool of their own: one connection per writer, made from the service's `database` options.
  BidPlacer(const pg::PoolOptions& database, CreditPolicy policy, Clock clock,
            BatchCombinerOptions options);

  // Blocks until the bid's batch committed or failed: the new bid, or the broken rule (codes and
  // reasons of bid_rules.hpp, ACTIVE_BID_EXISTS, INSUFFICIENT_CREDITS).
  StatusOr<PlacedBidAnswer> Place(BidToPlace bid);

 private:
  using Batch = std::vector<const BidToPlace*>;
  using Answers = std::vector<StatusOr<PlacedBidAnswer>>;

  // The batch in one transaction; a non-OK Status when that transaction failed as a whole.
  StatusOr<Answers> PlaceInOneTransaction(const Batch& bids);

  pg::Pool pool_;
  const CreditPolicy policy_;
  const Clock clock_;
  BatchCombiner<BidToPlace, StatusOr<PlacedBidAnswer>> combiner_;
};

}  // namespace market::bidding
