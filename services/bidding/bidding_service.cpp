// The freelancer's side of BiddingService. A call goes: generated Register() (token, role) → the
// method here (input; then, in one transaction, the job copy locked and the rules of
// bid_rules.hpp) → bid_repository.cpp and credit_ledger.cpp (SQL), with the event written to
// the outbox in the same transaction.
#include "bidding_service.hpp"

#include <string>
#include <utility>

#include "bid_proto.hpp"
#include "bid_repository.hpp"
#include "bid_rules.hpp"
#include "bid_terms.hpp"
#include "bidding_identity.hpp"
#include "credit_ledger.hpp"
#include "market/common/log.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/events/outbox.hpp"
#include "market/money/country.hpp"
#include "market/money/currency.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"

namespace market::bidding {
namespace {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
inline constexpr std::string_view kMyBidsList = "bids.mine";

template <typename Event>
Status EnqueueBidEvent(pqxx::work& tx, const BidRecord& bid) {
  Event event;
  ToProto(bid, *event.mutable_bid());
  return events::Enqueue(tx, kIdentity.name, bid.job_id, event);
}

// The caller's own bid and its job, both locked (job first, the lock order of
// bid_repository.hpp). Another freelancer's bid is not_found, as if it did not exist.
struct OwnBid {
  JobCopy job;
  BidRecord bid;
};

StatusOr<OwnBid> LockOwnBid(pqxx::work& tx, const std::string& bid_id,
                            const auth::Principal& caller) {
  std::optional<BidRecord> unlocked = FindBid(tx, bid_id, RowLock::kNone);
  if (!unlocked || unlocked->freelancer_id != caller.subject) return BidNotFound();
  std::optional<JobCopy> job = FindJob(tx, unlocked->job_id, RowLock::kShare);
  std::optional<BidRecord> bid = FindBid(tx, bid_id, RowLock::kUpdate);
  if (!job || !bid) return BidNotFound();
  return OwnBid{std::move(*job), std::move(*bid)};
}

}  // namespace

BiddingService::BiddingService(pg::Pool& pool, CreditPolicy policy, Clock clock,
                               BatchCombinerOptions placement)
    : pool_(pool),
      policy_(policy),
      clock_(clock),
      placer_(pool.options(), policy, clock, placement) {}

Status BiddingService::PlaceBid(const connect::CallContext& ctx, const v1::PlaceBidRequest& request,
                                v1::PlaceBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(CheckId(request.job_id(), "job_id", "a job"));
  const Terms terms = violations.Take(ValidateTerms(request.terms()));
  if (!request.payout_currency().empty() && !money::FindCurrency(request.payout_currency())) {
    violations.Add("payout_currency", "must be a known ISO 4217 code, or empty for the job's");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  if (!money::IsCountryCode(caller.country)) {
    return FailedPreconditionError(
        "country: the caller's account has no ISO 3166-1 country; sign in again");
  }
  MARKET_ASSIGN_OR_RETURN(PlacedBidAnswer placed,
                          placer_.Place({.caller = caller,
                                         .job_id = request.job_id(),
                                         .terms = terms,
                                         .payout_currency = request.payout_currency(),
                                         .deadline = ctx.deadline}));
  log::Info("bid placed", {{"bid_id", placed.bid.id}, {"job_id", placed.bid.job_id}});
  ToProto(placed.bid, *response.mutable_bid());
  response.set_credit_balance(placed.credit_balance);
  return OkStatus();
}

Status BiddingService::ReviseBid(const connect::CallContext& ctx,
                                 const v1::ReviseBidRequest& request,
                                 v1::ReviseBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(CheckId(request.bid_id(), "bid_id", "a bid"));
  const Terms terms = violations.Take(ValidateTerms(request.terms()));
  if (request.expected_revision() < 0) {
    violations.Add("expected_revision", "must not be negative");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  const auto now = clock_();
  MARKET_ASSIGN_OR_RETURN(
      const BidRecord bid,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<BidRecord> {
                          MARKET_ASSIGN_OR_RETURN(const OwnBid own,
                                                  LockOwnBid(tx, request.bid_id(), caller));
                          if (own.bid.status != "active")
                            return BidNotActive(own.bid, "only an active bid");
                          if (request.expected_revision() != 0 &&
                              request.expected_revision() != own.bid.revision) {
                            return RuleError(StatusCode::kAborted, kRevisionMismatch,
                                             "expected_revision: the bid is at revision " +
                                                 std::to_string(own.bid.revision) + ", not " +
                                                 std::to_string(request.expected_revision()) +
                                                 "; read it again and retry");
                          }
                          MARKET_RETURN_IF_ERROR(CheckOpenForBids(own.job, now));
                          MARKET_RETURN_IF_ERROR(CheckTermsFitJob(terms, own.job));
                          BidRecord revised = ReviseBidTerms(tx, own.bid.id, terms);
                          MARKET_RETURN_IF_ERROR(EnqueueBidEvent<v1::BidRevised>(tx, revised));
                          return revised;
                        }));
  log::Info("bid revised", {{"bid_id", bid.id}, {"revision", std::to_string(bid.revision)}});
  ToProto(bid, *response.mutable_bid());
  return OkStatus();
}

Status BiddingService::WithdrawBid(const connect::CallContext& ctx,
                                   const v1::WithdrawBidRequest& request,
                                   v1::WithdrawBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.bid_id(), "bid_id", "a bid"));
  MARKET_ASSIGN_OR_RETURN(
      const BidRecord bid,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<BidRecord> {
                          MARKET_ASSIGN_OR_RETURN(const OwnBid own,
                                                  LockOwnBid(tx, request.bid_id(), caller));
                          if (own.bid.status != "active") {
                            return BidNotActive(own.bid, "only an active bid can be withdrawn");
                          }
                          BidRecord withdrawn = SetBidStatus(tx, own.bid.id, "withdrawn");
                          MARKET_RETURN_IF_ERROR(EnqueueBidEvent<v1::BidWithdrawn>(tx, withdrawn));
                          return withdrawn;
                        }));
  log::Info("bid withdrawn", {{"bid_id", bid.id}});
  ToProto(bid, *response.mutable_bid());
  return OkStatus();
}

Status BiddingService::GetBid(const connect::CallContext& ctx, const v1::GetBidRequest& request,
                              v1::GetBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.bid_id(), "bid_id", "a bid"));
  struct Found {
    BidRecord bid;
    std::vector<RevisionRecord> revisions;
  };
  MARKET_ASSIGN_OR_RETURN(
      const Found found,
      pg::InTransaction(pool_,
                        pg::TxOptions{.isolation = pg::Isolation::kRepeatableRead,
                                      .deadline = ctx.deadline,
                                      .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<Found> {
                          std::optional<BidRecord> bid =
                              FindBid(tx, request.bid_id(), RowLock::kNone);
                          if (!bid) return BidNotFound();
                          // The freelancer who placed it, the job's owner, and operators; to anyone
                          // else it does not exist.
                          bool visible = bid->freelancer_id == caller.subject ||
                                         caller.HasRole(auth::Role::kOperator);
                          if (!visible) {
                            const std::optional<JobCopy> job =
                                FindJob(tx, bid->job_id, RowLock::kNone);
                            visible = job && job->client_id == caller.subject;
                          }
                          if (!visible) return BidNotFound();
                          std::vector<RevisionRecord> revisions = ListRevisions(tx, *bid);
                          return Found{std::move(*bid), std::move(revisions)};
                        }));
  ToProto(found.bid, *response.mutable_bid());
  for (const RevisionRecord& revision : found.revisions) {
    ToProto(revision, *response.add_revisions());
  }
  return OkStatus();
}

Status BiddingService::ListMyBids(const connect::CallContext& ctx,
                                  const v1::ListMyBidsRequest& request,
                                  v1::ListMyBidsResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  const std::vector<std::string> statuses = violations.Take(StatusFilter(request.statuses()));
  const int page_size = violations.Take(
      connect::CheckPageSize(request.page().page_size(), kDefaultPageSize, kMaxPageSize));
  const std::vector<std::string> keys =
      violations.Take(connect::DecodePageToken(request.page().page_token(), kMyBidsList, 1));
  std::int64_t before_seq = 0;
  if (!keys.empty()) before_seq = violations.Take(connect::PageKeyAsInt(keys[0]));
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      std::vector<BidRecord> bids,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<BidRecord>> {
                          return ListFreelancerBids(tx, caller.subject, statuses, before_seq,
                                                    page_size + 1);
                        }));
  const bool more = bids.size() > static_cast<std::size_t>(page_size);
  if (more) bids.resize(page_size);
  for (const BidRecord& bid : bids) ToProto(bid, *response.add_bids());
  if (more) {
    response.mutable_page()->set_next_page_token(
        connect::EncodePageToken(kMyBidsList, {std::to_string(bids.back().seq)}));
  }
  return OkStatus();
}

Status BiddingService::GetBidStats(const connect::CallContext& ctx,
                                   const v1::GetBidStatsRequest& request,
                                   v1::GetBidStatsResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.job_id(), "job_id", "a job"));
  struct Found {
    std::string currency;
    BidStats stats;
  };
  MARKET_ASSIGN_OR_RETURN(
      const Found found,
      pg::InTransaction(pool_,
                        pg::TxOptions{.isolation = pg::Isolation::kRepeatableRead,
                                      .deadline = ctx.deadline,
                                      .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<Found> {
                          const std::optional<JobCopy> job =
                              FindJob(tx, request.job_id(), RowLock::kNone);
                          if (!job) return JobNotFound();
                          // An invite-only job exists only for the freelancers it invited (and
                          // those who bid before an edit made it invite-only).
                          if (job->invite_only && !job->Invited(caller.subject) &&
                              !HasBidOn(tx, job->id, caller.subject)) {
                            return JobNotFound();
                          }
                          return Found{job->currency, StatsOfOthers(tx, job->id, caller.subject)};
                        }));
  // Below three bids an amount could be inferred from min, median and max: show nothing.
  constexpr int kMinBidsForStats = 3;
  if (found.stats.count < kMinBidsForStats) {
    response.set_hidden(true);
    return OkStatus();
  }
  response.set_count(found.stats.count);
  const auto money = [&](std::int64_t minor_units) {
    common::v1::Money amount;
    amount.set_currency(found.currency);
    amount.set_minor_units(minor_units);
    return amount;
  };
  *response.mutable_min() = money(found.stats.min);
  *response.mutable_median() = money(found.stats.median);
  *response.mutable_max() = money(found.stats.max);
  return OkStatus();
}

Status BiddingService::GetCreditBalance(const connect::CallContext& ctx,
                                        const v1::GetCreditBalanceRequest&,
                                        v1::GetCreditBalanceResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  const CreditPeriod period = CreditPeriodAt(clock_());
  // Not read-only: the month's grant is written on its first use, whichever call that is.
  MARKET_ASSIGN_OR_RETURN(
      const std::vector<CreditEntryRecord> entries,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<CreditEntryRecord>> {
                          return MonthEntries(tx, caller.subject, period,
                                              policy_.monthly_allowance);
                        }));
  std::int64_t balance = 0;
  for (const CreditEntryRecord& record : entries) {
    balance += record.credits;
    v1::CreditEntry& entry = *response.add_entries();
    entry.set_kind(record.kind == "monthly_grant" ? v1::CREDIT_ENTRY_KIND_MONTHLY_GRANT
                   : record.kind == "bid_spend"   ? v1::CREDIT_ENTRY_KIND_BID_SPEND
                                                  : v1::CREDIT_ENTRY_KIND_REFUND);
    entry.set_credits(record.credits);
    entry.set_bid_id(record.bid_id);
    entry.set_job_id(record.job_id);
    *entry.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
  }
  response.set_balance(balance);
  response.set_monthly_allowance(policy_.monthly_allowance);
  const auto micros = [](std::chrono::sys_days day) {
    return std::chrono::duration_cast<std::chrono::microseconds>(day.time_since_epoch()).count();
  };
  *response.mutable_period_start() = pg::TimestampFromUnixMicros(micros(period.start));
  *response.mutable_next_reset() = pg::TimestampFromUnixMicros(micros(period.next));
  return OkStatus();
}

}  // namespace market::bidding
