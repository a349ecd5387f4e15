#include "job_search.hpp"

#include "job_rows.hpp"
#include "market/common/ids.hpp"
#include "market/pg/arrays.hpp"

namespace market::listings {
namespace {

// One statement for every combination of filters: an empty parameter switches its filter off.
// The budget filter compares exactly: for a job in currency c and a filter in currency f, both
// with factors to USD minor units from fx_to_usd (usd = minor * num / den),
//   job amount in f >= min  <=>  amount * c.num * f.den >= min * c.den * f.num
// (every factor positive), so no division and no rounding. Sorting by amount uses the job's
// top of range in USD, rounded to 6 decimals: a deterministic key, which is all keyset paging
// needs. Every order is descending on (sort_key, seq); ascending orders negate the key, and jobs
// without a USD rate get a key below every other.
inline constexpr std::string_view kSearchJobsFrom = R"(
  WITH q AS (
    SELECT CASE WHEN $1 = '' THEN NULL ELSE websearch_to_tsquery('english', $1) END AS query),
  f AS (SELECT num, den FROM fx_to_usd WHERE currency = $6),
  j AS (
    SELECT jobs.*,
      CASE $9
        WHEN 'relevance' THEN ts_rank(jobs.search_vector, q.query)::numeric
        WHEN 'newest' THEN jobs.seq::numeric
        WHEN 'amount_high' THEN
          COALESCE(round(jobs.budget_max_minor_units * fx.num / fx.den, 6), -1e30)
        ELSE COALESCE(-round(jobs.budget_max_minor_units * fx.num / fx.den, 6), -1e30)
      END AS sort_key
    FROM jobs CROSS JOIN q LEFT JOIN fx_to_usd fx ON fx.currency = jobs.currency
    WHERE (q.query IS NULL OR jobs.search_vector @@ q.query)
      AND jobs.skills @> $2::text[]
      AND ($3 = '' OR cardinality(jobs.allowed_countries) = 0 OR $3 = ANY (jobs.allowed_countries))
      AND ($4 = '' OR cardinality(jobs.allowed_languages) = 0 OR $4 = ANY (jobs.allowed_languages))
      AND jobs.status = ANY ($5::text[])
      AND (jobs.visibility = 'public' OR $10::boolean OR jobs.client_id = NULLIF($11, '')::uuid
           OR EXISTS (SELECT 1 FROM job_invitations i
                      WHERE i.job_id = jobs.id AND i.freelancer_id = NULLIF($11, '')::uuid))
      AND ($6 = '' OR CASE
        WHEN jobs.currency = $6 THEN
          (NULLIF($7, '')::bigint IS NULL OR jobs.budget_max_minor_units >= NULLIF($7, '')::bigint)
          AND (NULLIF($8, '')::bigint IS NULL
               OR jobs.budget_min_minor_units <= NULLIF($8, '')::bigint)
        ELSE
          fx.num IS NOT NULL AND EXISTS (SELECT 1 FROM f)
          AND (NULLIF($7, '')::bigint IS NULL
               OR jobs.budget_max_minor_units * fx.num * (SELECT den FROM f)
                  >= NULLIF($7, '')::bigint * fx.den * (SELECT num FROM f))
          AND (NULLIF($8, '')::bigint IS NULL
               OR jobs.budget_min_minor_units * fx.num * (SELECT den FROM f)
                  <= NULLIF($8, '')::bigint * fx.den * (SELECT num FROM f))
        END)))";

const std::string kSearchJobs = std::string(kSearchJobsFrom) + R"(
  SELECT )" MARKET_JOB_COLUMNS R"(, j.sort_key::text AS sort_key_text
  FROM j
  WHERE NULLIF($12, '')::numeric IS NULL
     OR (j.sort_key, j.seq) < (NULLIF($12, '')::numeric, $13::bigint)
  ORDER BY j.sort_key DESC, j.seq DESC
  LIMIT $14)";

// Newest first orders by the plain column, so the planner walks the jobs_open_newest index and
// stops after one page instead of sorting every match. The sort key is seq itself.
const std::string kSearchJobsNewest = std::string(kSearchJobsFrom) + R"(
  SELECT )" MARKET_JOB_COLUMNS R"(, j.sort_key::text AS sort_key_text
  FROM j
  WHERE NULLIF($12, '')::numeric IS NULL OR j.seq < $13::bigint
  ORDER BY j.seq DESC
  LIMIT $14)";

std::string OptionalNumber(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string();
}

}  // namespace

std::vector<JobHit> SearchJobRows(pqxx::work& tx, const JobSearch& search, int limit) {
  const SearchBasics& b = search.basics;
  std::vector<std::string> statuses;
  for (const auto status : search.statuses) statuses.emplace_back(StatusName(status));
  if (statuses.empty()) statuses.emplace_back("open");
  const SearchCursor after = b.cursor.value_or(SearchCursor{});
  std::vector<JobHit> hits;
  for (const auto& row :
       tx.exec_params(b.order == SearchOrder::kNewest ? kSearchJobsNewest : kSearchJobs, b.query,
                      pg::ToArrayLiteral(b.skills), b.country, b.language,
                      pg::ToArrayLiteral(statuses), b.amount.currency, OptionalNumber(b.amount.min),
                      OptionalNumber(b.amount.max), std::string(SearchOrderName(b.order)),
                      search.staff, search.caller_id, after.sort_key, after.seq, limit)) {
    hits.push_back({ReadJob(row), row["sort_key_text"].as<std::string>()});
  }
  return hits;
}

}  // namespace market::listings
