#include "credit_ledger.hpp"

#include <string_view>

namespace market::bidding {
namespace {

inline constexpr std::string_view kGrant = R"(
  INSERT INTO credit_entries (freelancer_id, period, kind, credits)
  SELECT $1::uuid, $2::date, 'monthly_grant', $3::bigint WHERE $3::bigint > 0
  ON CONFLICT (freelancer_id, period) WHERE kind = 'monthly_grant' DO NOTHING)";

inline constexpr std::string_view kLockGrant = R"(
  SELECT id FROM credit_entries
  WHERE freelancer_id = $1::uuid AND period = $2::date AND kind = 'monthly_grant'
  FOR UPDATE)";

inline constexpr std::string_view kBalance = R"(
  SELECT coalesce(sum(credits), 0)::bigint AS balance FROM credit_entries
  WHERE freelancer_id = $1::uuid AND period = $2::date)";

inline constexpr std::string_view kSpend = R"(
  INSERT INTO credit_entries (freelancer_id, period, kind, credits, bid_id, job_id)
  VALUES ($1::uuid, $2::date, 'bid_spend', -$3::bigint, $4::uuid, $5::uuid))";

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

void Grant(pqxx::work& tx, const std::string& freelancer_id, const CreditPeriod& period,
           std::int64_t monthly_allowance) {
  tx.exec_params(std::string(kGrant), freelancer_id, period.StartDate(), monthly_allowance);
}

}  // namespace

std::int64_t LockBalance(pqxx::work& tx, const std::string& freelancer_id,
                         const CreditPeriod& period, std::int64_t monthly_allowance) {
  Grant(tx, freelancer_id, period, monthly_allowance);
  tx.exec_params(std::string(kLockGrant), freelancer_id, period.StartDate());
  return tx.exec_params1(std::string(kBalance), freelancer_id, period.StartDate())["balance"]
      .as<std::int64_t>();
}

void RecordSpend(pqxx::work& tx, const std::string& freelancer_id, const CreditPeriod& period,
                 const std::string& bid_id, const std::string& job_id, int cost) {
  tx.exec_params(std::string(kSpend), freelancer_id, period.StartDate(), cost, bid_id, job_id);
}

std::size_t RefundJob(pqxx::work& tx, const std::string& job_id, const CreditPeriod& period) {
  return tx.exec_params(std::string(kRefundJob), job_id, period.StartDate()).affected_rows();
}

void RefundBid(pqxx::work& tx, const std::string& bid_id, const CreditPeriod& period) {
  tx.exec_params(std::string(kRefundBid), bid_id, period.StartDate());
}

std::vector<CreditEntryRecord> MonthEntries(pqxx::work& tx, const std::string& freelancer_id,
                                            const CreditPeriod& period,
                                            std::int64_t monthly_allowance) {
  Grant(tx, freelancer_id, period, monthly_allowance);
  std::vector<CreditEntryRecord> entries;
  for (const pqxx::row& row :
       tx.exec_params(std::string(kMonthEntries), freelancer_id, period.StartDate())) {
    entries.push_back({.kind = row["kind"].as<std::string>(),
                       .credits = row["credits"].as<std::int64_t>(),
                       .bid_id = row["bid_id"].as<std::string>(),
                       .job_id = row["job_id"].as<std::string>(),
                       .created_at_unix_micros = row["created_at_micros"].as<std::int64_t>()});
  }
  return entries;
}

}  // namespace market::bidding
