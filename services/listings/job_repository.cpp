#include "job_repository.hpp"

#include <algorithm>

#include "job_rows.hpp"
#include "market/pg/arrays.hpp"

namespace market::listings {
namespace {

// Timestamps enter SQL as unix microseconds too: exact, with no float in between.
inline constexpr std::string_view kInsertJob = R"(
  WITH j AS (
    INSERT INTO jobs (client_id, client_country, title, description, skills, budget_kind, currency,
                      budget_min_minor_units, budget_max_minor_units, expected_duration,
                      allowed_countries, allowed_languages, visibility, bid_deadline)
    VALUES ($1::uuid, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11::text[], $12::text[], $13,
            'epoch'::timestamptz + $14::bigint * interval '1 microsecond')
    RETURNING *)
  SELECT )" MARKET_JOB_COLUMNS R"( FROM j)";

inline constexpr std::string_view kSelectJob =
    "SELECT " MARKET_JOB_COLUMNS "FROM jobs j WHERE j.id = $1::uuid";

inline constexpr std::string_view kSelectJobForUpdate =
    "SELECT " MARKET_JOB_COLUMNS "FROM jobs j WHERE j.id = $1::uuid FOR UPDATE OF j";

inline constexpr std::string_view kUpdateJob = R"(
  WITH j AS (
    UPDATE jobs SET title = $2, description = $3, skills = $4::text[], budget_kind = $5,
                    currency = $6, budget_min_minor_units = $7, budget_max_minor_units = $8,
                    expected_duration = $9, allowed_countries = $10::text[],
                    allowed_languages = $11::text[], visibility = $12,
                    bid_deadline = 'epoch'::timestamptz + $13::bigint * interval '1 microsecond',
                    version = version + 1, updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_JOB_COLUMNS R"( FROM j)";

inline constexpr std::string_view kSetJobStatus = R"(
  WITH j AS (
    UPDATE jobs SET status = $2, filled_by_bid_id = NULLIF($3, '')::uuid,
                    version = version + 1, updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_JOB_COLUMNS R"( FROM j)";

inline constexpr std::string_view kTouchJob = R"(
  WITH j AS (
    UPDATE jobs SET version = version + 1, updated_at = now() WHERE id = $1::uuid RETURNING *)
  SELECT )" MARKET_JOB_COLUMNS R"( FROM j)";

inline constexpr std::string_view kListClientJobs = R"(
  SELECT )" MARKET_JOB_COLUMNS R"(
  FROM jobs j
  WHERE j.client_id = $1::uuid AND ($2::bigint = 0 OR j.seq < $2)
    AND (cardinality($3::text[]) = 0 OR j.status = ANY ($3::text[]))
  ORDER BY j.seq DESC
  LIMIT $4)";

inline constexpr std::string_view kWithoutProfile = R"(
  SELECT ids.id AS freelancer_id
  FROM unnest($1::text[]) WITH ORDINALITY AS ids (id, position)
  WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.freelancer_id = ids.id::uuid)
  ORDER BY ids.position)";

inline constexpr std::string_view kAddInvitations = R"(
  INSERT INTO job_invitations (job_id, freelancer_id)
  SELECT $1::uuid, ids.id::uuid
  FROM unnest($2::text[]) WITH ORDINALITY AS ids (id, position)
  ORDER BY ids.position
  ON CONFLICT DO NOTHING
  RETURNING freelancer_id::text AS freelancer_id)";

}  // namespace

JobRecord InsertJob(pqxx::work& tx, const std::string& client_id, const std::string& client_country,
                    const JobFields& f) {
  return ReadJob(tx.exec_params1(
      std::string(kInsertJob), client_id, client_country, f.title, f.description,
      pg::ToArrayLiteral(f.skills), std::string(BudgetKindName(f.budget_kind)), f.currency,
      f.budget_min_minor_units, f.budget_max_minor_units, v1::JobDuration_Name(f.expected_duration),
      pg::ToArrayLiteral(f.allowed_countries), pg::ToArrayLiteral(f.allowed_languages),
      std::string(VisibilityName(f.visibility)), f.bid_deadline_unix_micros));
}

std::optional<JobRecord> FindJob(pqxx::work& tx, const std::string& job_id, bool for_update) {
  const pqxx::result rows =
      tx.exec_params(std::string(for_update ? kSelectJobForUpdate : kSelectJob), job_id);
  if (rows.empty()) return std::nullopt;
  return ReadJob(rows[0]);
}

JobRecord UpdateJobFields(pqxx::work& tx, const std::string& job_id, const JobFields& f) {
  return ReadJob(tx.exec_params1(
      std::string(kUpdateJob), job_id, f.title, f.description, pg::ToArrayLiteral(f.skills),
      std::string(BudgetKindName(f.budget_kind)), f.currency, f.budget_min_minor_units,
      f.budget_max_minor_units, v1::JobDuration_Name(f.expected_duration),
      pg::ToArrayLiteral(f.allowed_countries), pg::ToArrayLiteral(f.allowed_languages),
      std::string(VisibilityName(f.visibility)), f.bid_deadline_unix_micros));
}

JobRecord SetJobStatus(pqxx::work& tx, const std::string& job_id, v1::JobStatus status,
                       const std::string& filled_by_bid_id) {
  return ReadJob(tx.exec_params1(std::string(kSetJobStatus), job_id,
                                 std::string(StatusName(status)), filled_by_bid_id));
}

JobRecord TouchJob(pqxx::work& tx, const std::string& job_id) {
  return ReadJob(tx.exec_params1(std::string(kTouchJob), job_id));
}

bool JobTransitionAllowed(v1::JobStatus from, v1::JobStatus to) {
  switch (from) {
    case v1::JOB_STATUS_OPEN:
      return to == v1::JOB_STATUS_CLOSED || to == v1::JOB_STATUS_FILLED ||
             to == v1::JOB_STATUS_CANCELLED;
    case v1::JOB_STATUS_CLOSED:
      return to == v1::JOB_STATUS_FILLED || to == v1::JOB_STATUS_CANCELLED;
    default:
      return false;
  }
}

std::vector<JobRecord> ListClientJobs(pqxx::work& tx, const std::string& client_id,
                                      const std::vector<v1::JobStatus>& statuses,
                                      std::int64_t before_seq, int limit) {
  std::vector<std::string> names;
  for (const auto status : statuses) names.emplace_back(StatusName(status));
  std::vector<JobRecord> jobs;
  for (const auto& row : tx.exec_params(std::string(kListClientJobs), client_id, before_seq,
                                        pg::ToArrayLiteral(names), limit)) {
    jobs.push_back(ReadJob(row));
  }
  return jobs;
}

std::vector<std::string> WithoutProfile(pqxx::work& tx,
                                        const std::vector<std::string>& freelancer_ids) {
  std::vector<std::string> missing;
  for (const auto& row :
       tx.exec_params(std::string(kWithoutProfile), pg::ToArrayLiteral(freelancer_ids))) {
    missing.push_back(row["freelancer_id"].as<std::string>());
  }
  return missing;
}

std::vector<std::string> AddInvitations(pqxx::work& tx, const std::string& job_id,
                                        const std::vector<std::string>& freelancer_ids) {
  std::vector<std::string> added;
  for (const auto& row :
       tx.exec_params(std::string(kAddInvitations), job_id, pg::ToArrayLiteral(freelancer_ids))) {
    added.push_back(row["freelancer_id"].as<std::string>());
  }
  // RETURNING does not promise the insert's order; the caller's order is the documented one.
  std::vector<std::string> ordered;
  for (const auto& id : freelancer_ids) {
    if (std::find(added.begin(), added.end(), id) != added.end()) ordered.push_back(id);
  }
  return ordered;
}

}  // namespace market::listings
