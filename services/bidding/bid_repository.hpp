// The SQL of jobs (bidding's copy) and bids: parameterised constants in bid_repository.cpp, one
// function per statement, run inside the caller's transaction. Rows are read by column name.
// Lock order, everywhere: the job's row before its bids' rows, so that accepts, withdrawals
// and job events cannot deadlock one another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "bid_terms.hpp"
#include "credit_policy.hpp"
#include "job_copy.hpp"

namespace market::bidding {

struct BidRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string job_id;
  std::string freelancer_id;
  std::string freelancer_country;
  // "active", "withdrawn", "rejected", "accepted", "not_chosen" or "expired".
  std::string status;
  Terms terms;
  int revision = 0;
  bool shortlisted = false;
  std::string rejection_reason;
  bool invited = false;
  int credits_spent = 0;
  std::string payout_currency;
  std::int64_t created_at_unix_micros = 0;
  std::int64_t updated_at_unix_micros = 0;
  // The freelancer's reputation score as text ("4.75"), "-1" when unrated: the cursor of the
  // reputation sort.
  std::string reputation_key;
};

struct RevisionRecord {
  int revision = 0;
  Terms terms;
  std::int64_t created_at_unix_micros = 0;
};

enum class RowLock { kNone, kShare, kUpdate };

std::optional<JobCopy> FindJob(pqxx::work& tx, const std::string& job_id, RowLock lock);
// For a batch of bids, in one round trip: the jobs that exist, by id, share-locked in id order
// (so that batches and single calls cannot deadlock on them); then the credit locks of the
// freelancers, with their month grants (LockCredits in credit_ledger.hpp). Both id lists must be
// UUIDs; repeats are fine.
std::unordered_map<std::string, JobCopy> LockJobsAndCredits(
    pqxx::work& tx, const std::vector<std::string>& job_ids,
    const std::vector<std::string>& freelancer_ids, const CreditPeriod& period,
    std::int64_t monthly_allowance);
// Sets the status of bidding's copy (accepting a bid fills the job at once).
void SetJobStatus(pqxx::work& tx, const std::string& job_id, const std::string& status);

std::optional<BidRecord> FindBid(pqxx::work& tx, const std::string& bid_id, RowLock lock);

struct NewBid {
  std::string job_id;
  std::string freelancer_id;
  std::string freelancer_country;
  Terms terms;
  bool invited = false;
  int credits_spent = 0;
  std::string payout_currency;
};
struct PlacedBid {
  // Empty when the balance was short or the freelancer already has an active bid on the job
  // (the unique index decides, so concurrent twins cannot both succeed).
  std::optional<BidRecord> bid;
  // The freelancer's balance for the month before this bid.
  std::int64_t balance_before = 0;
};

// In one statement, for each bid: the month's balance of its freelancer (read under
// LockJobsAndCredits), and when it covers bid.credits_spent, the new active bid, its first revision
// and the spend entry of month `period_start` ("2026-12-01"). One answer per bid, in order. The
// freelancers must be distinct: a balance counts no other bid of the same statement.
std::vector<PlacedBid> InsertBids(pqxx::work& tx, const std::vector<NewBid>& bids,
                                  const std::string& period_start);

// Replaces the terms, adds the revision, returns the bid.
BidRecord ReviseBidTerms(pqxx::work& tx, const std::string& bid_id, const Terms& terms);
std::vector<RevisionRecord> ListRevisions(pqxx::work& tx, const BidRecord& bid);

BidRecord SetBidStatus(pqxx::work& tx, const std::string& bid_id, const std::string& status,
                       const std::string& rejection_reason = {});
BidRecord SetShortlisted(pqxx::work& tx, const std::string& bid_id, bool shortlisted);
// Every active bid on the job becomes `status`; returns those bids.
std::vector<BidRecord> SetActiveBidsStatus(pqxx::work& tx, const std::string& job_id,
                                           const std::string& status);
// The active bids on the job whose kind or currency no longer match: they become expired.
std::vector<BidRecord> ExpireMismatchedBids(pqxx::work& tx, const JobCopy& job);

// AcceptBid's idempotency keys: the bid a client's key accepted, if the key was used.
std::optional<std::string> FindAcceptRequest(pqxx::work& tx, const std::string& client_id,
                                             const std::string& idempotency_key);
// false when a concurrent call took the key first.
bool InsertAcceptRequest(pqxx::work& tx, const std::string& client_id,
                         const std::string& idempotency_key, const std::string& bid_id);

// The freelancer's bids, newest first, strictly before `before_seq` (0: from the newest).
std::vector<BidRecord> ListFreelancerBids(pqxx::work& tx, const std::string& freelancer_id,
                                          const std::vector<std::string>& statuses,
                                          std::int64_t before_seq, int limit);

enum class JobBidOrder { kNewest, kAmountLowFirst, kReputation };

// Where a page of ListJobBids continues: strictly after the bid with these keys. `key` is the
// amount (kAmountLowFirst) or the reputation key (kReputation); seq 0 means the first page.
struct JobBidCursor {
  std::string key;
  std::int64_t seq = 0;
};

std::vector<BidRecord> ListBidsOnJob(pqxx::work& tx, const std::string& job_id,
                                     const std::vector<std::string>& statuses,
                                     bool shortlisted_only, JobBidOrder order,
                                     const JobBidCursor& after, int limit);

struct BidStats {
  int count = 0;
  std::int64_t min = 0;
  std::int64_t median = 0;
  std::int64_t max = 0;
};
// Over the job's active bids of everyone but `excluded_freelancer_id`.
BidStats StatsOfOthers(pqxx::work& tx, const std::string& job_id,
                       const std::string& excluded_freelancer_id);
// Whether the freelancer ever bid on the job.
bool HasBidOn(pqxx::work& tx, const std::string& job_id, const std::string& freelancer_id);

}  // namespace market::bidding
