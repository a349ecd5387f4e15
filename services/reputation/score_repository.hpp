// SQL for scores: loading one user's inputs to the formula (score_formula.hpp) from the stored
// contracts and reviews, the scores table that records each user's last computed score with its
// version, and the platform-mean priors.
//
// Visibility is computed in SQL from stored data and the database clock: a review counts once
// its contract has both reviews (reviews_written = 2) or its window has closed, and it is not
// hidden.
#pragma once

#include <pqxx/transaction>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "market/reputation/v1/reputation.pb.h"
#include "score_formula.hpp"

namespace market::reputation {

// Everything the formula needs about `user_id`, read in `tx` (repeatable read gives one
// snapshot).
ScoreInputs LoadScoreInputs(pqxx::work& tx, const std::string& user_id);

// A score with its version (0: never stored) and how long it stays right by the clock alone.
struct ScoreRecord {
  std::int64_t version = 0;
  v1::Score score;
  std::int64_t valid_for_ms = 0;
};

// Recomputes `user_id`'s score from scratch under the lock of its scores row. When it differs
// from the stored one it is stored with version + 1 and ScoreUpdated joins the outbox in `tx`.
ScoreRecord RecomputeScore(pqxx::work& tx, const std::string& user_id);

// What the scores table holds for a user.
struct StoredScore {
  enum class State {
    kValid,
    // Due: events arrived or time changed it; RecomputeScore.
    kDue,
    // No row: reputation has no contract of this user, the score is the priors alone.
    kAbsent,
  };
  State state = State::kAbsent;
  ScoreRecord record;  // for kValid
};
StoredScore FindScore(pqxx::work& tx, const std::string& user_id);

// The score of a user without any stored data (StoredScore::State::kAbsent), version 0.
ScoreRecord ScoreOfNewcomer(pqxx::work& tx, const std::string& user_id);

// Makes the users' scores due now: the rescore task recomputes them.
void MarkScoresDue(pqxx::work& tx, const std::vector<std::string>& user_ids);

// Up to `limit` users whose scores are due, longest due first.
std::vector<std::string> DueScores(pqxx::work& tx, int limit);

// Sets each direction's prior to the mean of its visible, not hidden overall ratings (in
// thousandths, rounded half away from zero); a direction without reviews keeps its prior.
// Every stored score becomes due. Returns the number of priors changed.
int RefreshPriors(pqxx::work& tx);

// True when the priors were last refreshed (or seeded) at least `age` ago on the database
// clock, marking them refreshed now: of concurrent callers, one gets true. The caller then
// runs RefreshPriors in the same transaction.
bool ClaimPriorRefresh(pqxx::work& tx, std::chrono::milliseconds age);

}  // namespace market::reputation
