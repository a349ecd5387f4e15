// Listings' copy of each freelancer's reputation summary (score, job success, badges, review
// count), fed by reputation's ScoreUpdated events; SearchFreelancers returns and sorts by it and
// GetProfile shows it.
//
//   // in the consumer's transaction:
//   MARKET_ASSIGN_OR_RETURN(bool changed, ApplyScoreUpdated(tx, updated));
//
// The event's `version` orders the summaries of one user: an event applies only when it is
// newer than the stored row, so a redelivered or late event changes nothing.
#pragma once

#include <string>
#include <vector>

#include <pqxx/row>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/reputation/v1/reputation.pb.h"

namespace market::listings {

// The default, for freelancers reputation has not scored yet: score "0.00" (unrated), 0 %, no
// badges, no reviews.
struct ReputationRecord {
  std::string score = "0.00";
  int job_success_percent = 0;
  std::vector<std::string> badges;
  int review_count = 0;
};

// Stores the summary `updated` carries when its version is newer than the stored one; true when
// it did. A user without a visible review is stored unrated (score 0: the event's rating is then
// the platform's prior, not earned), and a job success reputation does not show yet as 0.
// invalid_argument when the event breaks the ScoreUpdated contract (not a UUID, a rating outside
// 0..5, counts out of range, version below 1).
StatusOr<bool> ApplyScoreUpdated(pqxx::work& tx, const reputation::v1::ScoreUpdated& updated);

// The stored summary of `freelancer_id`, or the default.
ReputationRecord FindReputation(pqxx::work& tx, const std::string& freelancer_id);

// Reads the columns score (text), job_success_percent, badges and review_count of `row`, which
// may be NULL (an outer join that found no summary): then the default.
ReputationRecord ReadReputation(const pqxx::row& row);

}  // namespace market::listings
