#include "credit_ledger.hpp"

#include <string_view>

#include "credit_lock_sql.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::bidding {
namespace {

inline constexpr std::string_view kLockAndGrant = MARKET_CREDIT_LOCK_AND_GRANT("$1", "$2", "$3");

inline constexpr std::string_view kRefundJob = R"(
  INSERT INTO credit_entries (freelancer_id, period, kind, credits, bid_id, job_id)
  SELECT freelancer_id, $2::date, 'refund', credits_spent, id, job_id
  FROM bids WHERE job_id = $1::uuid AND credits_spent > 0
  ON CONFLICT (bid_id) WHERE kind = 'refund' DO NOTHING)";

inline constexpr std::string_view kRefundBid = R"(
  INSERT INTO credit_entries (freelancer_id, period, kind, credits, bid_id, job_id)
  SELECT freelancer_id, $2::date, 'refund', credits_spent, id, job_id
  FROM bids WHERE id = $1::uuid AND credits_spent > 0
  ON CONFLICT (bid_id) WHERE kind = 'refund' DO NOTHING)";

inline constexpr std::string_view kMonthEntries = R"(
  SELECT kind, credits, coalesce(bid_id::text, '') AS bid_id, coalesce(job_id::text, '') AS job_id,
         (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM credit_entries
  WHERE freelancer_id = $1::uuid AND period = $2::date
  ORDER BY id)";

}  // namespace

void LockCredits(pqxx::work& tx, const std::string& freelancer_id, const CreditPeriod& period,
                 std::int64_t monthly_allowance) {
  pg::Exec(tx, kLockAndGrant, pg::ToArrayLiteral(std::vector<std::string>{freelancer_id}),
           period.StartDate(), monthly_allowance);
}

std::size_t RefundJob(pqxx::work& tx, const std::string& job_id, const CreditPeriod& period) {
  return pg::Exec(tx, kRefundJob, job_id, period.StartDate()).affected_rows();
}

void RefundBid(pqxx::work& tx, const std::string& bid_id, const CreditPeriod& period) {
  pg::Exec(tx, kRefundBid, bid_id, period.StartDate());
}

std::vector<CreditEntryRecord> MonthEntries(pqxx::work& tx, const std::string& freelancer_id,
                                            const CreditPeriod& period,
                                            std::int64_t monthly_allowance) {
  LockCredits(tx, freelancer_id, period, monthly_allowance);
  std::vector<CreditEntryRecord> entries;
  for (const pqxx::row& row : pg::Exec(tx, kMonthEntries, freelancer_id, period.StartDate())) {
    entries.push_back({.kind = row["kind"].as<std::string>(),
                       .credits = row["credits"].as<std::int64_t>(),
                       .bid_id = row["bid_id"].as<std::string>(),
                       .job_id = row["job_id"].as<std::string>(),
                       .created_at_unix_micros = row["created_at_micros"].as<std::int64_t>()});
  }
  return entries;
}

}  // namespace market::bidding
