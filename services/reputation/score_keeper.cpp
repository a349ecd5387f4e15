#include "score_keeper.hpp"

#include "market/common/log.hpp"
#include "market/pg/transaction.hpp"

namespace market::reputation {

ScoreKeeper::ScoreKeeper(pg::Pool& pool, redis::Client& cache) : pool_(pool), cache_(cache) {}

StatusOr<ScoreRecord> ScoreKeeper::Load(const std::string& user_id, Deadline deadline) {
  MARKET_ASSIGN_OR_RETURN(
      StoredScore stored,
      pg::InTransaction(
          pool_,
          pg::TxOptions{
              .isolation = pg::Isolation::kRepeatableRead, .deadline = deadline, .read_only = true},
          [&](pqxx::work& tx) -> StatusOr<StoredScore> {
            StoredScore found = FindScore(tx, user_id);
            if (found.state == StoredScore::State::kAbsent) {
              found.record = ScoreOfNewcomer(tx, user_id);
            }
            return found;
          }));
  if (stored.state != StoredScore::State::kDue) return std::move(stored.record);
  // Due: recompute under the row's lock, as the rescore task would.
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = deadline},
      [&](pqxx::work& tx) -> StatusOr<ScoreRecord> { return RecomputeScore(tx, user_id); });
}

StatusOr<v1::Score> ScoreKeeper::Get(const std::string& user_id, Deadline deadline) {
  if (auto cached = cache_.Get(user_id)) return std::move(cached->score);
  MARKET_ASSIGN_OR_RETURN(ScoreRecord record, Load(user_id, deadline));
  cache_.Put(record);
  return std::move(record.score);
}

StatusOr<std::vector<v1::Score>> ScoreKeeper::GetMany(const std::vector<std::string>& user_ids,
                                                      Deadline deadline) {
  std::vector<std::optional<ScoreRecord>> cached = cache_.GetMany(user_ids);
  std::vector<v1::Score> scores;
  scores.reserve(user_ids.size());
  for (std::size_t i = 0; i < user_ids.size(); ++i) {
    if (cached[i]) {
      scores.push_back(std::move(cached[i]->score));
      continue;
    }
    MARKET_ASSIGN_OR_RETURN(ScoreRecord record, Load(user_ids[i], deadline));
    cache_.Put(record);
    scores.push_back(std::move(record.score));
  }
  return scores;
}

void ScoreKeeper::Publish(const ScoreRecord& record) { cache_.Put(record); }

PeriodicTask::Outcome ScoreKeeper::RescoreDue() {
  const auto due = pg::InTransaction(pool_, pg::TxOptions{.read_only = true},
                                     [&](pqxx::work& tx) -> StatusOr<std::vector<std::string>> {
                                       return DueScores(tx, kRescoreBatch);
                                     });
  if (!due.ok()) {
    log::Warn("rescore: listing due scores failed", {{"error", due.status().ToString()}});
    return PeriodicTask::Outcome::kFailed;
  }
  for (const std::string& user_id : *due) {
    const auto record = pg::InTransaction(pool_, [&](pqxx::work& tx) -> StatusOr<ScoreRecord> {
      return RecomputeScore(tx, user_id);
    });
    if (!record.ok()) {
      log::Warn("rescore failed", {{"user_id", user_id}, {"error", record.status().ToString()}});
      return PeriodicTask::Outcome::kFailed;
    }
    Publish(*record);
  }
  return due->size() == static_cast<std::size_t>(kRescoreBatch) ? PeriodicTask::Outcome::kMoreWork
                                                                : PeriodicTask::Outcome::kIdle;
}

}  // namespace market::reputation
