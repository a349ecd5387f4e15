// ScoreKeeper: users' scores as callers read them, from the cache Redis when it holds them and
// from Postgres otherwise, and the rescore step that recomputes due scores.
//
//   ScoreKeeper keeper(parts.pg, parts.cache);
//   MARKET_ASSIGN_OR_RETURN(v1::Score score, keeper.Get(user_id, ctx.deadline));
//   parts.background.Add({.name = "reputation-rescore", .interval = 500ms},
//                        [&keeper] { return keeper.RescoreDue(); });
//
// A read that misses the cache takes the scores row when it is still valid by the clock,
// recomputes it (RecomputeScore) when it is due, and computes a score without storing it for a
// user reputation has never heard of; then it fills the cache. With Redis down every read takes
// that path: slower, still right.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "market/common/periodic_task.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"
#include "market/reputation/v1/reputation.pb.h"
#include "score_cache.hpp"
#include "score_repository.hpp"

namespace market::reputation {

// Recomputed per rescore step at most; more waits for the next step (which runs at once).
inline constexpr int kRescoreBatch = 100;

class ScoreKeeper {
 public:
  // `pool` and `cache` must outlive the keeper.
  ScoreKeeper(pg::Pool& pool, redis::Client& cache);

  using Deadline = std::chrono::steady_clock::time_point;

  StatusOr<v1::Score> Get(const std::string& user_id, Deadline deadline);
  // In the order of `user_ids`.
  StatusOr<std::vector<v1::Score>> GetMany(const std::vector<std::string>& user_ids,
                                           Deadline deadline);

  // Puts a score just committed into the cache.
  void Publish(const ScoreRecord& record);

  // Recomputes the scores that are due (events arrived, a window closed), stores, publishes
  // ScoreUpdated through the outbox when they changed, and refreshes the cache.
  PeriodicTask::Outcome RescoreDue();

 private:
  StatusOr<ScoreRecord> Load(const std::string& user_id, Deadline deadline);

  pg::Pool& pool_;
  ScoreCache cache_;
};

}  // namespace market::reputation
