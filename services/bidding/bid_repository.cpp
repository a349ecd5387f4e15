#include "bid_repository.hpp"

#include <string_view>

#include "credit_lock_sql.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::bidding {
namespace {

#define MARKET_JOB_COLUMNS                                                                     \
  "j.id::text AS id, j.client_id::text AS client_id, j.client_country, j.title, j.status, "    \
  "j.budget_kind, j.currency, j.expected_duration, j.allowed_countries, j.allowed_languages, " \
  "j.invite_only, j.invited_freelancer_ids, "                                                  \
  "(extract(epoch FROM j.bid_deadline) * 1000000)::bigint AS bid_deadline_micros, j.version "

#define MARKET_BID_COLUMNS                                                                      \
  "b.id::text AS id, b.seq, b.job_id::text AS job_id, b.freelancer_id::text AS freelancer_id, " \
  "b.freelancer_country, b.status, b.kind, b.currency, b.amount_minor_units, b.delivery_days, " \
  "b.weekly_hour_limit, b.cover_letter, b.milestone_titles, b.milestone_amounts, "              \
  "b.milestone_due_days, b.revision, b.shortlisted, b.rejection_reason, b.invited, "            \
  "b.credits_spent, b.payout_currency, "                                                        \
  "(extract(epoch FROM b.created_at) * 1000000)::bigint AS created_at_micros, "                 \
  "(extract(epoch FROM b.updated_at) * 1000000)::bigint AS updated_at_micros "

// The reputation sort key: the score, or -1 for unrated freelancers so that they come last.
#define MARKET_REPUTATION_KEY                              \
  "coalesce((SELECT r.score FROM freelancer_reputation r " \
  "          WHERE r.freelancer_id = b.freelancer_id), -1)"

inline constexpr std::string_view kSelectJob =
    "SELECT " MARKET_JOB_COLUMNS "FROM jobs j WHERE j.id = $1::uuid";
inline constexpr std::string_view kSelectJobForShare =
    "SELECT " MARKET_JOB_COLUMNS "FROM jobs j WHERE j.id = $1::uuid FOR SHARE";
inline constexpr std::string_view kSelectJobForUpdate =
    "SELECT " MARKET_JOB_COLUMNS "FROM jobs j WHERE j.id = $1::uuid FOR UPDATE";

inline constexpr std::string_view kSetJobStatus =
    "UPDATE jobs SET status = $2, updated_at = now() WHERE id = $1::uuid";

inline constexpr std::string_view kSelectBid =
    "SELECT " MARKET_BID_COLUMNS ", '' AS reputation_key FROM bids b WHERE b.id = $1::uuid";
inline constexpr std::string_view kSelectBidForShare =
    "SELECT " MARKET_BID_COLUMNS
    ", '' AS reputation_key FROM bids b WHERE b.id = $1::uuid FOR SHARE";
inline constexpr std::string_view kSelectBidForUpdate =
    "SELECT " MARKET_BID_COLUMNS
    ", '' AS reputation_key FROM bids b WHERE b.id = $1::uuid FOR UPDATE";

// The main query locks the jobs; the credit locks come after it, when PostgreSQL runs the
// data-modifying WITH to completion. No transaction takes a job lock while it holds a credit
// lock, so neither order could deadlock.
inline constexpr std::string_view kLockJobsAndCredits =
    "WITH grants AS (" MARKET_CREDIT_LOCK_AND_GRANT("$2", "$3", "$4") ") "
    "SELECT " MARKET_JOB_COLUMNS
    "FROM jobs j WHERE j.id = ANY ($1::uuid[]) ORDER BY j.id FOR SHARE";

// A batch of new bids, one per freelancer (the batch's rule, so the balances do not interact),
// each row of the input arrays one bid, numbered by `ord`. ON CONFLICT on the partial unique
// index: a concurrent twin waits for the first insert's transaction and then inserts nothing.
// The statement's snapshot is taken after LockJobsAndCredits, so each balance counts every
// committed spend of its freelancer. Milestones travel as one array literal per bid, cast here.
inline constexpr std::string_view kInsertBids = R"(
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                         $6::bigint[], $7::integer[], $8::integer[], $9::text[], $10::text[],
                         $11::text[], $12::text[], $13::boolean[], $14::integer[], $15::text[])
      WITH ORDINALITY AS i (job_id, freelancer_id, freelancer_country, kind, currency,
                            amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
                            milestone_titles, milestone_amounts, milestone_due_days, invited,
                            credits_spent, payout_currency, ord)),
  balance AS (
    SELECT i.*, (SELECT coalesce(sum(c.credits), 0)::bigint FROM credit_entries c
                 WHERE c.freelancer_id = i.freelancer_id AND c.period = $16::date) AS credits
    FROM input i),
  b AS (
    INSERT INTO bids (job_id, freelancer_id, freelancer_country, status, kind, currency,
                      amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
                      milestone_titles, milestone_amounts, milestone_due_days, invited,
                      credits_spent, payout_currency)
    SELECT job_id, freelancer_id, freelancer_country, 'active', kind, currency,
           amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
           milestone_titles::text[], milestone_amounts::bigint[], milestone_due_days::integer[],
           invited, credits_spent, payout_currency
    FROM balance WHERE credits >= credits_spent
    ORDER BY ord
    ON CONFLICT (job_id, freelancer_id) WHERE status = 'active' DO NOTHING
    RETURNING *),
  revision AS (
    INSERT INTO bid_revisions (bid_id, revision, amount_minor_units, delivery_days,
                               weekly_hour_limit, cover_letter, milestone_titles,
                               milestone_amounts, milestone_due_days, created_at)
    SELECT id, revision, amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
           milestone_titles, milestone_amounts, milestone_due_days, created_at
    FROM b),
  spend AS (
    INSERT INTO credit_entries (freelancer_id, period, kind, credits, bid_id, job_id)
    SELECT freelancer_id, $16::date, 'bid_spend', -credits_spent, id, job_id
    FROM b WHERE credits_spent > 0)
  SELECT balance.ord, balance.credits AS balance_before, )" MARKET_BID_COLUMNS R"(,
         '' AS reputation_key
  FROM balance LEFT JOIN b
    ON b.job_id = balance.job_id AND b.freelancer_id = balance.freelancer_id
  ORDER BY balance.ord)";

inline constexpr std::string_view kReviseBid = R"(
  WITH b AS (
    UPDATE bids SET amount_minor_units = $2, delivery_days = $3, weekly_hour_limit = $4,
                    cover_letter = $5, milestone_titles = $6::text[],
                    milestone_amounts = $7::bigint[], milestone_due_days = $8::integer[],
                    revision = revision + 1, updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key FROM b)";

// The current terms of the bid become its newest revision.
inline constexpr std::string_view kInsertRevision = R"(
  INSERT INTO bid_revisions (bid_id, revision, amount_minor_units, delivery_days,
                             weekly_hour_limit, cover_letter, milestone_titles, milestone_amounts,
                             milestone_due_days, created_at)
  SELECT id, revision, amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
         milestone_titles, milestone_amounts, milestone_due_days, updated_at
  FROM bids WHERE id = $1::uuid)";

inline constexpr std::string_view kSelectRevisions = R"(
  SELECT revision, amount_minor_units, delivery_days, weekly_hour_limit, cover_letter,
         milestone_titles, milestone_amounts, milestone_due_days,
         (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM bid_revisions WHERE bid_id = $1::uuid ORDER BY revision)";

inline constexpr std::string_view kSetBidStatus = R"(
  WITH b AS (
    UPDATE bids SET status = $2, rejection_reason = $3, shortlisted = shortlisted AND $2 = 'active',
                    updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key FROM b)";

inline constexpr std::string_view kSetShortlisted = R"(
  WITH b AS (
    UPDATE bids SET shortlisted = $2, updated_at = now() WHERE id = $1::uuid RETURNING *)
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key FROM b)";

inline constexpr std::string_view kSetActiveBidsStatus = R"(
  WITH b AS (
    UPDATE bids SET status = $2, shortlisted = false, updated_at = now()
    WHERE job_id = $1::uuid AND status = 'active'
    RETURNING *)
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key FROM b)";

inline constexpr std::string_view kExpireMismatchedBids = R"(
  WITH b AS (
    UPDATE bids SET status = 'expired', shortlisted = false, updated_at = now()
    WHERE job_id = $1::uuid AND status = 'active' AND (kind <> $2 OR currency <> $3)
    RETURNING *)
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key FROM b)";

inline constexpr std::string_view kSelectAcceptRequest = R"(
  SELECT bid_id::text AS bid_id FROM accept_requests
  WHERE client_id = $1::uuid AND idempotency_key = $2)";

inline constexpr std::string_view kInsertAcceptRequest = R"(
  INSERT INTO accept_requests (client_id, idempotency_key, bid_id)
  VALUES ($1::uuid, $2, $3::uuid)
  ON CONFLICT (client_id, idempotency_key) DO NOTHING)";

inline constexpr std::string_view kListFreelancerBids = R"(
  SELECT )" MARKET_BID_COLUMNS R"(, '' AS reputation_key
  FROM bids b
  WHERE b.freelancer_id = $1::uuid AND ($2::bigint = 0 OR b.seq < $2)
    AND (cardinality($3::text[]) = 0 OR b.status = ANY ($3::text[]))
  ORDER BY b.seq DESC
  LIMIT $4)";

// The three orders of a job's bids, each a keyset on (key, seq) with seq descending on ties.
#define MARKET_JOB_BIDS_FILTER                                             \
  "FROM bids b WHERE b.job_id = $1::uuid AND b.status = ANY ($2::text[]) " \
  "AND (NOT $3::boolean OR b.shortlisted) "

inline constexpr std::string_view kListJobBidsNewest =
    "SELECT " MARKET_BID_COLUMNS ", '' AS reputation_key " MARKET_JOB_BIDS_FILTER
    "AND $4::text IS NOT NULL AND ($5::bigint = 0 OR b.seq < $5) ORDER BY b.seq DESC LIMIT $6";

inline constexpr std::string_view kListJobBidsByAmount =
    "SELECT " MARKET_BID_COLUMNS ", '' AS reputation_key " MARKET_JOB_BIDS_FILTER
    "AND ($5::bigint = 0 OR b.amount_minor_units > $4::bigint "
    "     OR (b.amount_minor_units = $4::bigint AND b.seq < $5)) "
    "ORDER BY b.amount_minor_units, b.seq DESC LIMIT $6";

inline constexpr std::string_view kListJobBidsByReputation =
    "SELECT * FROM (SELECT " MARKET_BID_COLUMNS ", " MARKET_REPUTATION_KEY
    "::text AS reputation_key, " MARKET_REPUTATION_KEY " AS reputation " MARKET_JOB_BIDS_FILTER
    ") AS ranked "
    "WHERE ($5::bigint = 0 OR reputation < $4::numeric "
    "       OR (reputation = $4::numeric AND seq < $5)) "
    "ORDER BY reputation DESC, seq DESC LIMIT $6";

// percentile_disc(0.5) is the lower middle amount of an even count: an amount someone bid.
inline constexpr std::string_view kStatsOfOthers = R"(
  SELECT count(*) AS count, coalesce(min(amount_minor_units), 0) AS min,
         coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY amount_minor_units), 0) AS median,
         coalesce(max(amount_minor_units), 0) AS max
  FROM bids
  WHERE job_id = $1::uuid AND status = 'active' AND freelancer_id <> $2::uuid)";

inline constexpr std::string_view kHasBidOn = R"(
  SELECT EXISTS (SELECT 1 FROM bids WHERE job_id = $1::uuid AND freelancer_id = $2::uuid)
    AS has_bid)";

#undef MARKET_JOB_BIDS_FILTER
#undef MARKET_REPUTATION_KEY
#undef MARKET_BID_COLUMNS
#undef MARKET_JOB_COLUMNS

std::vector<std::int64_t> ReadIntArray(const pqxx::field& field) {
  std::vector<std::int64_t> values;
  for (const std::string& text : pg::ReadTextArray(field)) values.push_back(std::stoll(text));
  return values;
}

std::string IntArrayLiteral(const std::vector<std::int64_t>& values) {
  std::vector<std::string> texts;
  texts.reserve(values.size());
  for (const std::int64_t value : values) texts.push_back(std::to_string(value));
  return pg::ToArrayLiteral(texts);
}

// The terms columns shared by bids and bid_revisions; kind and currency are the bid's.
Terms ReadTerms(const pqxx::row& row, const std::string& kind, const std::string& currency) {
  Terms terms;
  terms.kind = kind;
  terms.currency = currency;
  terms.amount_minor_units = row["amount_minor_units"].as<std::int64_t>();
  terms.delivery_days = row["delivery_days"].as<int>();
  terms.weekly_hour_limit = row["weekly_hour_limit"].as<int>();
  terms.cover_letter = row["cover_letter"].as<std::string>();
  const std::vector<std::string> titles = pg::ReadTextArray(row["milestone_titles"]);
  const std::vector<std::int64_t> amounts = ReadIntArray(row["milestone_amounts"]);
  const std::vector<std::int64_t> due_days = ReadIntArray(row["milestone_due_days"]);
  for (std::size_t i = 0; i < titles.size() && i < amounts.size() && i < due_days.size(); ++i) {
    terms.milestones.push_back({.title = titles[i],
                                .amount_minor_units = amounts[i],
                                .due_in_days = static_cast<int>(due_days[i])});
  }
  return terms;
}

struct MilestoneArrays {
  std::string titles;
  std::string amounts;
  std::string due_days;
};

MilestoneArrays ToArrays(const Terms& terms) {
  std::vector<std::string> titles;
  std::vector<std::int64_t> amounts;
  std::vector<std::int64_t> due_days;
  for (const MilestoneTerms& milestone : terms.milestones) {
    titles.push_back(milestone.title);
    amounts.push_back(milestone.amount_minor_units);
    due_days.push_back(milestone.due_in_days);
  }
  return {pg::ToArrayLiteral(titles), IntArrayLiteral(amounts), IntArrayLiteral(due_days)};
}

JobCopy ReadJob(const pqxx::row& row) {
  JobCopy job;
  job.id = row["id"].as<std::string>();
  job.client_id = row["client_id"].as<std::string>();
  job.client_country = row["client_country"].as<std::string>();
  job.title = row["title"].as<std::string>();
  job.status = row["status"].as<std::string>();
  job.budget_kind = row["budget_kind"].as<std::string>();
  job.currency = row["currency"].as<std::string>();
  job.expected_duration = row["expected_duration"].as<int>();
  job.allowed_countries = pg::ReadTextArray(row["allowed_countries"]);
  job.allowed_languages = pg::ReadTextArray(row["allowed_languages"]);
  job.invite_only = row["invite_only"].as<bool>();
  job.invited_freelancer_ids = pg::ReadTextArray(row["invited_freelancer_ids"]);
  job.bid_deadline_unix_micros = row["bid_deadline_micros"].as<std::int64_t>();
  job.version = row["version"].as<std::int64_t>();
  return job;
}

BidRecord ReadBid(const pqxx::row& row) {
  BidRecord bid;
  bid.id = row["id"].as<std::string>();
  bid.seq = row["seq"].as<std::int64_t>();
  bid.job_id = row["job_id"].as<std::string>();
  bid.freelancer_id = row["freelancer_id"].as<std::string>();
  bid.freelancer_country = row["freelancer_country"].as<std::string>();
  bid.status = row["status"].as<std::string>();
  bid.terms = ReadTerms(row, row["kind"].as<std::string>(), row["currency"].as<std::string>());
  bid.revision = row["revision"].as<int>();
  bid.shortlisted = row["shortlisted"].as<bool>();
  bid.rejection_reason = row["rejection_reason"].as<std::string>();
  bid.invited = row["invited"].as<bool>();
  bid.credits_spent = row["credits_spent"].as<int>();
  bid.payout_currency = row["payout_currency"].as<std::string>();
  bid.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  bid.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  bid.reputation_key = row["reputation_key"].as<std::string>();
  return bid;
}

std::vector<BidRecord> ReadBids(const pqxx::result& result) {
  std::vector<BidRecord> bids;
  bids.reserve(result.size());
  for (const pqxx::row& row : result) bids.push_back(ReadBid(row));
  return bids;
}

std::string_view LockedSelect(RowLock lock, std::string_view none, std::string_view share,
                              std::string_view update) {
  switch (lock) {
    case RowLock::kShare:
      return share;
    case RowLock::kUpdate:
      return update;
    case RowLock::kNone:
      break;
  }
  return none;
}

}  // namespace

std::optional<JobCopy> FindJob(pqxx::work& tx, const std::string& job_id, RowLock lock) {
  const pqxx::result result = tx.exec_params(
      std::string(LockedSelect(lock, kSelectJob, kSelectJobForShare, kSelectJobForUpdate)), job_id);
  if (result.empty()) return std::nullopt;
  return ReadJob(result[0]);
}

void SetJobStatus(pqxx::work& tx, const std::string& job_id, const std::string& status) {
  pg::Exec(tx, kSetJobStatus, job_id, status);
}

std::unordered_map<std::string, JobCopy> LockJobsAndCredits(
    pqxx::work& tx, const std::vector<std::string>& job_ids,
    const std::vector<std::string>& freelancer_ids, const CreditPeriod& period,
    std::int64_t monthly_allowance) {
  std::unordered_map<std::string, JobCopy> jobs;
  for (const pqxx::row& row :
       pg::Exec(tx, kLockJobsAndCredits, pg::ToArrayLiteral(job_ids),
                pg::ToArrayLiteral(freelancer_ids), period.StartDate(), monthly_allowance)) {
    JobCopy job = ReadJob(row);
    std::string id = job.id;
    jobs.emplace(std::move(id), std::move(job));
  }
  return jobs;
}

std::optional<BidRecord> FindBid(pqxx::work& tx, const std::string& bid_id, RowLock lock) {
  const pqxx::result result = tx.exec_params(
      std::string(LockedSelect(lock, kSelectBid, kSelectBidForShare, kSelectBidForUpdate)), bid_id);
  if (result.empty()) return std::nullopt;
  return ReadBid(result[0]);
}

std::vector<PlacedBid> InsertBids(pqxx::work& tx, const std::vector<NewBid>& bids,
                                  const std::string& period_start) {
  std::vector<std::string> job_ids, freelancer_ids, countries, kinds, currencies, amounts,
      delivery_days, hour_limits, cover_letters, titles, milestone_amounts, due_days, invited,
      costs, payout_currencies;
  for (const NewBid& bid : bids) {
    const MilestoneArrays milestones = ToArrays(bid.terms);
    job_ids.push_back(bid.job_id);
    freelancer_ids.push_back(bid.freelancer_id);
    countries.push_back(bid.freelancer_country);
    kinds.push_back(bid.terms.kind);
    currencies.push_back(bid.terms.currency);
    amounts.push_back(std::to_string(bid.terms.amount_minor_units));
    delivery_days.push_back(std::to_string(bid.terms.delivery_days));
    hour_limits.push_back(std::to_string(bid.terms.weekly_hour_limit));
    cover_letters.push_back(bid.terms.cover_letter);
    titles.push_back(milestones.titles);
    milestone_amounts.push_back(milestones.amounts);
    due_days.push_back(milestones.due_days);
    invited.push_back(bid.invited ? "true" : "false");
    costs.push_back(std::to_string(bid.credits_spent));
    payout_currencies.push_back(bid.payout_currency);
  }
  using pg::ToArrayLiteral;
  const pqxx::result rows =
      pg::Exec(tx, kInsertBids, ToArrayLiteral(job_ids), ToArrayLiteral(freelancer_ids),
               ToArrayLiteral(countries), ToArrayLiteral(kinds), ToArrayLiteral(currencies),
               ToArrayLiteral(amounts), ToArrayLiteral(delivery_days), ToArrayLiteral(hour_limits),
               ToArrayLiteral(cover_letters), ToArrayLiteral(titles),
               ToArrayLiteral(milestone_amounts), ToArrayLiteral(due_days), ToArrayLiteral(invited),
               ToArrayLiteral(costs), ToArrayLiteral(payout_currencies), period_start);
  std::vector<PlacedBid> placed(bids.size());
  for (const pqxx::row& row : rows) {
    PlacedBid& one = placed.at(row["ord"].as<std::size_t>() - 1);
    one.balance_before = row["balance_before"].as<std::int64_t>();
    if (!row["id"].is_null()) one.bid = ReadBid(row);
  }
  return placed;
}

BidRecord ReviseBidTerms(pqxx::work& tx, const std::string& bid_id, const Terms& terms) {
  const MilestoneArrays milestones = ToArrays(terms);
  BidRecord revised =
      ReadBid(pg::Exec1(tx, kReviseBid, bid_id, terms.amount_minor_units, terms.delivery_days,
                        terms.weekly_hour_limit, terms.cover_letter, milestones.titles,
                        milestones.amounts, milestones.due_days));
  pg::Exec(tx, kInsertRevision, bid_id);
  return revised;
}

std::vector<RevisionRecord> ListRevisions(pqxx::work& tx, const BidRecord& bid) {
  std::vector<RevisionRecord> revisions;
  for (const pqxx::row& row : pg::Exec(tx, kSelectRevisions, bid.id)) {
    revisions.push_back({.revision = row["revision"].as<int>(),
                         .terms = ReadTerms(row, bid.terms.kind, bid.terms.currency),
                         .created_at_unix_micros = row["created_at_micros"].as<std::int64_t>()});
  }
  return revisions;
}

BidRecord SetBidStatus(pqxx::work& tx, const std::string& bid_id, const std::string& status,
                       const std::string& rejection_reason) {
  return ReadBid(pg::Exec1(tx, kSetBidStatus, bid_id, status, rejection_reason));
}

BidRecord SetShortlisted(pqxx::work& tx, const std::string& bid_id, bool shortlisted) {
  return ReadBid(pg::Exec1(tx, kSetShortlisted, bid_id, shortlisted));
}

std::vector<BidRecord> SetActiveBidsStatus(pqxx::work& tx, const std::string& job_id,
                                           const std::string& status) {
  return ReadBids(pg::Exec(tx, kSetActiveBidsStatus, job_id, status));
}

std::vector<BidRecord> ExpireMismatchedBids(pqxx::work& tx, const JobCopy& job) {
  return ReadBids(pg::Exec(tx, kExpireMismatchedBids, job.id, job.budget_kind, job.currency));
}

std::optional<std::string> FindAcceptRequest(pqxx::work& tx, const std::string& client_id,
                                             const std::string& idempotency_key) {
  const pqxx::result result = pg::Exec(tx, kSelectAcceptRequest, client_id, idempotency_key);
  if (result.empty()) return std::nullopt;
  return result[0]["bid_id"].as<std::string>();
}

bool InsertAcceptRequest(pqxx::work& tx, const std::string& client_id,
                         const std::string& idempotency_key, const std::string& bid_id) {
  return pg::Exec(tx, kInsertAcceptRequest, client_id, idempotency_key, bid_id).affected_rows() ==
         1;
}

std::vector<BidRecord> ListFreelancerBids(pqxx::work& tx, const std::string& freelancer_id,
                                          const std::vector<std::string>& statuses,
                                          std::int64_t before_seq, int limit) {
  return ReadBids(pg::Exec(tx, kListFreelancerBids, freelancer_id, before_seq,
                           pg::ToArrayLiteral(statuses), limit));
}

std::vector<BidRecord> ListBidsOnJob(pqxx::work& tx, const std::string& job_id,
                                     const std::vector<std::string>& statuses,
                                     bool shortlisted_only, JobBidOrder order,
                                     const JobBidCursor& after, int limit) {
  std::string_view sql = kListJobBidsNewest;
  std::string key = after.key.empty() ? "0" : after.key;
  if (order == JobBidOrder::kAmountLowFirst) sql = kListJobBidsByAmount;
  if (order == JobBidOrder::kReputation) sql = kListJobBidsByReputation;
  return ReadBids(tx.exec_params(std::string(sql), job_id, pg::ToArrayLiteral(statuses),
                                 shortlisted_only, key, after.seq, limit));
}

BidStats StatsOfOthers(pqxx::work& tx, const std::string& job_id,
                       const std::string& excluded_freelancer_id) {
  const pqxx::row row = pg::Exec1(tx, kStatsOfOthers, job_id, excluded_freelancer_id);
  return {.count = row["count"].as<int>(),
          .min = row["min"].as<std::int64_t>(),
          .median = row["median"].as<std::int64_t>(),
          .max = row["max"].as<std::int64_t>()};
}

bool HasBidOn(pqxx::work& tx, const std::string& job_id, const std::string& freelancer_id) {
  return pg::Exec1(tx, kHasBidOn, job_id, freelancer_id)["has_bid"].as<bool>();
}

}  // namespace market::bidding
