#include "freelancer_reputation.hpp"

#include <cmath>
#include <cstdio>

#include "market/common/ids.hpp"
#include "market/pg/arrays.hpp"

namespace market::listings {
namespace {

// Newest version wins; the WHERE makes an older or equal version a no-op (RETURNING nothing).
inline constexpr std::string_view kUpsertReputation = R"(
  INSERT INTO freelancer_reputation AS r (freelancer_id, score, job_success_percent, badges,
                                          review_count, version, updated_at)
  VALUES ($1::uuid, round($2::numeric, 2), $3, $4::text[], $5, $6, now())
  ON CONFLICT (freelancer_id) DO UPDATE SET
    score = EXCLUDED.score, job_success_percent = EXCLUDED.job_success_percent,
    badges = EXCLUDED.badges, review_count = EXCLUDED.review_count, version = EXCLUDED.version,
    updated_at = now()
  WHERE r.version < EXCLUDED.version
  RETURNING 1)";

inline constexpr std::string_view kSelectReputation = R"(
  SELECT score::text AS score, job_success_percent, badges, review_count
  FROM freelancer_reputation WHERE freelancer_id = $1::uuid)";

}  // namespace

StatusOr<bool> ApplyScoreUpdated(pqxx::work& tx, const reputation::v1::ScoreUpdated& updated) {
  if (!ids::IsUuid(updated.user_id())) {
    return InvalidArgumentError("ScoreUpdated: user_id must be an account id (UUID)");
  }
  if (!std::isfinite(updated.rating()) || updated.rating() < 0 || updated.rating() > 5 ||
      updated.review_count() < 0 || updated.job_success_percent() < 0 ||
      updated.job_success_percent() > 100 || updated.version() < 1) {
    return InvalidArgumentError(
        "ScoreUpdated: rating must be 0 to 5, review_count at least 0, job_success_percent 0 to "
        "100 and version at least 1");
  }
  // Six decimals are plenty for a value SQL rounds to two.
  char rating[32];
  std::snprintf(rating, sizeof rating, "%.6f", updated.review_count() > 0 ? updated.rating() : 0.0);
  const int job_success = updated.job_success_shown() ? updated.job_success_percent() : 0;
  const std::vector<std::string> badges(updated.badges().begin(), updated.badges().end());
  return !tx.exec_params(std::string(kUpsertReputation), updated.user_id(), std::string(rating),
                         job_success, pg::ToArrayLiteral(badges), updated.review_count(),
                         updated.version())
              .empty();
}

ReputationRecord FindReputation(pqxx::work& tx, const std::string& freelancer_id) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectReputation), freelancer_id);
  return rows.empty() ? ReputationRecord{} : ReadReputation(rows[0]);
}

ReputationRecord ReadReputation(const pqxx::row& row) {
  ReputationRecord record;
  if (row["score"].is_null()) return record;
  record.score = row["score"].as<std::string>();
  record.job_success_percent = row["job_success_percent"].as<int>();
  record.badges = pg::ReadTextArray(row["badges"]);
  record.review_count = row["review_count"].as<int>();
  return record;
}

}  // namespace market::listings
