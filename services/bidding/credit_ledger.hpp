// The bid-credit ledger (table credit_entries): entries only, never a stored balance, so every
// balance is the sum of its UTC month's entries and can be explained line by line. Runs inside
// the caller's transaction.
//
//   LockCredits(tx, freelancer_id, period, policy.monthly_allowance);
//   ... InsertBids(tx, bids, period) spends under that lock (bid_repository.hpp) ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "credit_policy.hpp"

namespace market::bidding {

struct CreditEntryRecord {
  // "monthly_grant", "bid_spend" or "refund".
  std::string kind;
  std::int64_t credits = 0;
  std::string bid_id;
  std::string job_id;
  std::int64_t created_at_unix_micros = 0;
};

// Takes the freelancer's credit lock for the month until the transaction ends, so that
// concurrent spends of one freelancer queue up and each sees the others' entries, and grants the
// month's allowance if this is the freelancer's first entry of `period`. One round trip. A
// PlaceBid batch takes the locks of all its freelancers with its jobs (LockJobsAndCredits).
void LockCredits(pqxx::work& tx, const std::string& freelancer_id, const CreditPeriod& period,
                 std::int64_t monthly_allowance);

// Returns the credits of every bid on the job that cost any, into the month of `period`; a bid
// is refunded at most once however often this runs. Returns how many bids were refunded.
std::size_t RefundJob(pqxx::work& tx, const std::string& job_id, const CreditPeriod& period);

// Returns one bid's credits, if it cost any and was not refunded before.
void RefundBid(pqxx::work& tx, const std::string& bid_id, const CreditPeriod& period);

// The month's entries, oldest first; the month's grant is made first if missing.
std::vector<CreditEntryRecord> MonthEntries(pqxx::work& tx, const std::string& freelancer_id,
                                            const CreditPeriod& period,
                                            std::int64_t monthly_allowance);

}  // namespace market::bidding
