#include "score_repository.hpp"

#include <pqxx/result>

#include <pqxx/binarystring>

#include <string_view>

#include "market/events/outbox.hpp"

namespace market::reputation {
namespace {

// A review is visible when not hidden and its contract has both reviews or a closed window.
#define MARKET_REVIEW_VISIBLE \
  "r.hidden_at IS NULL AND (c.reviews_written = 2 OR c.review_closes_at <= now())"

inline constexpr std::string_view kSelectPriors = R"(
  SELECT direction, mean_milli FROM priors
)";

inline constexpr std::string_view kSelectCountedReviews = R"(
  SELECT r.id::text AS review_id, r.contract_id::text AS contract_id, r.direction, r.overall,
         COALESCE(c.weight, 1) AS weight
  FROM reviews r JOIN contracts c ON c.id = r.contract_id
  WHERE r.subject_id = $1 AND )" MARKET_REVIEW_VISIBLE R"(
  ORDER BY r.created_at, r.id
)";

inline constexpr std::string_view kSelectFreelancerContracts = R"(
  SELECT c.id::text AS contract_id, c.client_id::text AS client_id,
         (extract(epoch FROM c.ended_at) * 1000000)::bigint AS ended_at_micros,
         (c.funded_minor > 0 OR c.released_minor > 0) AS money_moved,
         c.released_minor, c.refunded_minor, c.freelancer_disputes_lost,
         (SELECT r.overall FROM reviews r
          WHERE r.contract_id = c.id AND r.direction = 'of_freelancer'
            AND )" MARKET_REVIEW_VISIBLE R"() AS rating
  FROM contracts c
  WHERE c.freelancer_id = $1 AND c.ended_at > now() - make_interval(days => $2)
  ORDER BY c.ended_at, c.id
)";

inline constexpr std::string_view kSelectClientDisputesLost = R"(
  SELECT COALESCE(sum(client_disputes_lost), 0)::int AS lost
  FROM contracts
  WHERE client_id = $1 AND ended_at > now() - make_interval(days => $2)
)";

// When time alone next changes the score: a window closing on a contract with one review (it
// becomes visible), or a contract leaving the job-success window; at the latest in a day.
inline constexpr std::string_view kSelectValidFor = R"(
  SELECT (extract(epoch FROM LEAST(
            now() + interval '1 day',
            (SELECT min(review_closes_at) FROM contracts
             WHERE (client_id = $1 OR freelancer_id = $1) AND reviews_written = 1
               AND review_closes_at > now()),
            (SELECT min(ended_at) + make_interval(days => $2) FROM contracts
             WHERE (client_id = $1 OR freelancer_id = $1)
               AND ended_at > now() - make_interval(days => $2))
          ) - now()) * 1000)::bigint AS valid_for_ms
)";

inline constexpr std::string_view kLockScore = R"(
  INSERT INTO scores (user_id, version, score, valid_until) VALUES ($1, 0, '', now())
  ON CONFLICT (user_id) DO NOTHING
)";

inline constexpr std::string_view kSelectScoreForUpdate = R"(
  SELECT version, score FROM scores WHERE user_id = $1 FOR UPDATE
)";

inline constexpr std::string_view kUpdateScore = R"(
  UPDATE scores
  SET version = $2, score = $3, valid_until = now() + $4::bigint * interval '1 millisecond'
  WHERE user_id = $1
)";

inline constexpr std::string_view kSelectScore = R"(
  SELECT version, score, version > 0 AND valid_until > now() AS valid,
         (extract(epoch FROM valid_until - now()) * 1000)::bigint AS valid_for_ms
  FROM scores WHERE user_id = $1
)";

inline constexpr std::string_view kMarkDue = R"(
  INSERT INTO scores (user_id, version, score, valid_until) VALUES ($1, 0, '', now())
  ON CONFLICT (user_id) DO UPDATE SET valid_until = LEAST(scores.valid_until, now())
)";

inline constexpr std::string_view kSelectDue = R"(
  SELECT user_id::text AS user_id FROM scores WHERE valid_until <= now()
  ORDER BY valid_until LIMIT $1
)";

inline constexpr std::string_view kRefreshPriors = R"(
  UPDATE priors p SET mean_milli = m.mean_milli, computed_at = now()
  FROM (SELECT r.direction, round(avg(r.overall) * 1000)::int AS mean_milli
        FROM reviews r JOIN contracts c ON c.id = r.contract_id
        WHERE )" MARKET_REVIEW_VISIBLE R"(
        GROUP BY r.direction) m
  WHERE p.direction = m.direction AND p.mean_milli <> m.mean_milli
)";

// Row locks make a second instance wait, then see the new computed_at and claim nothing.
inline constexpr std::string_view kClaimPriorRefresh = R"(
  UPDATE priors SET computed_at = now() WHERE computed_at <= now() - $1 * interval '1 millisecond'
)";

inline constexpr std::string_view kAllScoresDue = R"(
  UPDATE scores SET valid_until = now() WHERE valid_until > now()
)";

#undef MARKET_REVIEW_VISIBLE

v1::Direction DirectionFromSql(const std::string& text) {
  return text == "of_client" ? v1::DIRECTION_OF_CLIENT : v1::DIRECTION_OF_FREELANCER;
}

}  // namespace

ScoreInputs LoadScoreInputs(pqxx::work& tx, const std::string& user_id) {
  ScoreInputs inputs;
  inputs.user_id = user_id;
  for (const pqxx::row& row : tx.exec(std::string(kSelectPriors))) {
    const int mean = row["mean_milli"].as<int>();
    if (row["direction"].as<std::string>() == "of_client") {
      inputs.client_prior_mean_milli = mean;
    } else {
      inputs.prior_mean_milli = mean;
    }
  }
  for (const pqxx::row& row : tx.exec_params(std::string(kSelectCountedReviews), user_id)) {
    inputs.reviews.push_back({
        .review_id = row["review_id"].as<std::string>(),
        .contract_id = row["contract_id"].as<std::string>(),
        .direction = DirectionFromSql(row["direction"].as<std::string>()),
        .overall = row["overall"].as<int>(),
        .weight = row["weight"].as<int>(),
    });
  }
  for (const pqxx::row& row :
       tx.exec_params(std::string(kSelectFreelancerContracts), user_id, kJobSuccessWindowDays)) {
    FreelancerContract contract{
        .contract_id = row["contract_id"].as<std::string>(),
        .client_id = row["client_id"].as<std::string>(),
        .ended_at_unix_micros = row["ended_at_micros"].as<std::int64_t>(),
        .money_moved = row["money_moved"].as<bool>(),
        .released_minor = row["released_minor"].as<std::int64_t>(),
        .refunded_minor = row["refunded_minor"].as<std::int64_t>(),
        .disputes_lost = row["freelancer_disputes_lost"].as<int>(),
        .rating =
            row["rating"].is_null() ? std::nullopt : std::optional<int>(row["rating"].as<int>()),
    };
    inputs.freelancer_contracts.push_back(std::move(contract));
  }
  inputs.client_disputes_lost =
      tx.exec_params1(std::string(kSelectClientDisputesLost), user_id, kJobSuccessWindowDays)[0]
          .as<int>();
  return inputs;
}

ScoreRecord RecomputeScore(pqxx::work& tx, const std::string& user_id) {
  tx.exec_params(std::string(kLockScore), user_id);
  const pqxx::row stored = tx.exec_params1(std::string(kSelectScoreForUpdate), user_id);
  ScoreRecord record;
  record.version = stored["version"].as<std::int64_t>();
  record.score = ComputeScore(LoadScoreInputs(tx, user_id)).score;
  record.valid_for_ms =
      tx.exec_params1(std::string(kSelectValidFor), user_id, kJobSuccessWindowDays)["valid_for_ms"]
          .as<std::int64_t>();
  const std::string bytes = record.score.SerializeAsString();
  if (record.version == 0 || pqxx::binarystring(stored["score"]).str() != bytes) {
    ++record.version;
    v1::ScoreUpdated updated;
    updated.set_user_id(user_id);
    updated.set_rating(record.score.rating());
    updated.set_review_count(record.score.review_count());
    updated.set_job_success_percent(record.score.job_success_percent());
    updated.set_job_success_shown(record.score.job_success_shown());
    *updated.mutable_badges() = record.score.badges();
    updated.set_version(record.version);
    const Status enqueued = events::Enqueue(tx, "reputation", user_id, updated);
    if (!enqueued.ok()) throw std::logic_error("ScoreUpdated: " + enqueued.ToString());
  }
  tx.exec_params(std::string(kUpdateScore), user_id, record.version, pqxx::binarystring(bytes),
                 record.valid_for_ms);
  return record;
}

StoredScore FindScore(pqxx::work& tx, const std::string& user_id) {
  StoredScore found;
  const pqxx::result rows = tx.exec_params(std::string(kSelectScore), user_id);
  if (rows.empty()) return found;
  found.state = StoredScore::State::kDue;
  if (!rows[0]["valid"].as<bool>()) return found;
  ScoreRecord& record = found.record;
  if (!record.score.ParseFromString(pqxx::binarystring(rows[0]["score"]).str())) return found;
  record.version = rows[0]["version"].as<std::int64_t>();
  record.valid_for_ms = rows[0]["valid_for_ms"].as<std::int64_t>();
  found.state = StoredScore::State::kValid;
  return found;
}

ScoreRecord ScoreOfNewcomer(pqxx::work& tx, const std::string& user_id) {
  ScoreRecord record;
  record.score = ComputeScore(LoadScoreInputs(tx, user_id)).score;
  // A day, like any score; the cache caps it (a refreshed prior shows within that cap).
  record.valid_for_ms = 24 * 3600 * 1000;
  return record;
}

void MarkScoresDue(pqxx::work& tx, const std::vector<std::string>& user_ids) {
  for (const std::string& user_id : user_ids) tx.exec_params(std::string(kMarkDue), user_id);
}

std::vector<std::string> DueScores(pqxx::work& tx, int limit) {
  std::vector<std::string> users;
  for (const pqxx::row& row : tx.exec_params(std::string(kSelectDue), limit)) {
    users.push_back(row["user_id"].as<std::string>());
  }
  return users;
}

int RefreshPriors(pqxx::work& tx) {
  const int changed = static_cast<int>(tx.exec(std::string(kRefreshPriors)).affected_rows());
  if (changed > 0) tx.exec(std::string(kAllScoresDue));
  return changed;
}

bool ClaimPriorRefresh(pqxx::work& tx, std::chrono::milliseconds age) {
  return tx.exec_params(std::string(kClaimPriorRefresh), static_cast<long long>(age.count()))
             .affected_rows() > 0;
}

}  // namespace market::reputation
