// The client's side of BiddingService: the bids on the caller's own jobs. A call goes:
// generated Register() (token, role) → the method here (input, then ownership of the job inside
// the transaction) → bid_repository.cpp (SQL). AcceptBid locks the job's row, so accepts of one
// job run one at a time; its bid's row, so a withdrawal or a rejection cannot slip in between;
// and the partial unique index on accepted bids stands behind both.
#include <string>

#include "bid_proto.hpp"
#include "bid_repository.hpp"
#include "bid_rules.hpp"
#include "bidding_identity.hpp"
#include "bidding_service.hpp"
#include "market/common/log.hpp"
#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"

namespace market::bidding {
namespace {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
inline constexpr std::size_t kMaxRejectionReasonLength = 500;
inline constexpr std::size_t kMaxIdempotencyKeyLength = 100;

std::string_view ListName(JobBidOrder order) {
  switch (order) {
    case JobBidOrder::kAmountLowFirst:
      return "bids.job.amount";
    case JobBidOrder::kReputation:
      return "bids.job.reputation";
    case JobBidOrder::kNewest:
      break;
  }
  return "bids.job.newest";
}

// A reputation cursor key: a decimal such as "4.75" or "-1", so that SQL can compare it.
bool IsDecimal(const std::string& key) {
  std::size_t i = key.starts_with('-') ? 1 : 0;
  bool digits = false;
  bool point = false;
  for (; i < key.size(); ++i) {
    if (key[i] >= '0' && key[i] <= '9') {
      digits = true;
    } else if (key[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits && key.size() <= 16;
}

// A bid on one of the caller's jobs, locked with its job (job first). A bid on another client's
// job is not_found, as if it did not exist.
struct OwnedBid {
  JobCopy job;
  BidRecord bid;
};

StatusOr<OwnedBid> LockBidOnOwnJob(pqxx::work& tx, const std::string& bid_id,
                                   const auth::Principal& caller, RowLock job_lock) {
  std::optional<BidRecord> unlocked = FindBid(tx, bid_id, RowLock::kNone);
  if (!unlocked) return BidNotFound();
  std::optional<JobCopy> job = FindJob(tx, unlocked->job_id, job_lock);
  if (!job || job->client_id != caller.subject) return BidNotFound();
  std::optional<BidRecord> bid = FindBid(tx, bid_id, RowLock::kUpdate);
  if (!bid) return BidNotFound();
  return OwnedBid{std::move(*job), std::move(*bid)};
}

Status CheckIdempotencyKey(const std::string& key) {
  bool printable = !key.empty() && key.size() <= kMaxIdempotencyKeyLength;
  for (const char c : key) printable = printable && c > ' ' && c <= '~';
  if (printable) return OkStatus();
  return InvalidArgumentError(
      "idempotency_key: must be 1 to 100 printable ASCII characters other than space");
}

v1::BidAccepted AcceptedEvent(const JobCopy& job, const BidRecord& bid,
                              std::int64_t accepted_at_micros) {
  v1::BidAccepted event;
  event.set_bid_id(bid.id);
  event.set_job_id(job.id);
  event.set_job_title(job.title);
  event.set_client_id(job.client_id);
  event.set_client_country(job.client_country);
  event.set_freelancer_id(bid.freelancer_id);
  event.set_freelancer_country(bid.freelancer_country);
  event.set_freelancer_payout_currency(bid.payout_currency);
  const v1::BidTerms terms = ToProto(bid.terms);
  if (bid.terms.kind == "hourly") {
    *event.mutable_hourly()->mutable_hourly_rate() = terms.hourly_rate();
    event.mutable_hourly()->set_weekly_hour_limit(terms.weekly_hour_limit());
  } else {
    *event.mutable_fixed_price()->mutable_amount() = terms.fixed_price();
    *event.mutable_fixed_price()->mutable_milestones() = terms.milestones();
  }
  *event.mutable_accepted_at() = pg::TimestampFromUnixMicros(accepted_at_micros);
  return event;
}

}  // namespace

Status BiddingService::ListJobBids(const connect::CallContext& ctx,
                                   const v1::ListJobBidsRequest& request,
                                   v1::ListJobBidsResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(CheckId(request.job_id(), "job_id", "a job"));
  std::vector<std::string> statuses = violations.Take(StatusFilter(request.statuses()));
  if (statuses.empty()) statuses.emplace_back("active");
  JobBidOrder order = JobBidOrder::kNewest;
  switch (request.sort()) {
    case v1::BID_SORT_UNSPECIFIED:
    case v1::BID_SORT_NEWEST:
      break;
    case v1::BID_SORT_AMOUNT_LOW_FIRST:
      order = JobBidOrder::kAmountLowFirst;
      break;
    case v1::BID_SORT_REPUTATION:
      order = JobBidOrder::kReputation;
      break;
    default:
      violations.Add("sort", "must be a BidSort value");
  }
  const int page_size = violations.Take(
      connect::CheckPageSize(request.page().page_size(), kDefaultPageSize, kMaxPageSize));
  const std::vector<std::string> keys =
      violations.Take(connect::DecodePageToken(request.page().page_token(), ListName(order), 2));
  JobBidCursor after;
  if (keys.size() == 2) {
    after.key = keys[0];
    after.seq = violations.Take(connect::PageKeyAsInt(keys[1]));
    const bool key_ok = order == JobBidOrder::kReputation ? IsDecimal(keys[0])
                                                          : connect::PageKeyAsInt(keys[0]).ok();
    if (!key_ok || after.seq <= 0) {
      violations.Add("page.page_token", "is not a token this list returned");
    }
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      std::vector<BidRecord> bids,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<BidRecord>> {
                          const std::optional<JobCopy> job =
                              FindJob(tx, request.job_id(), RowLock::kNone);
                          // Another client's job looks exactly like a missing one.
                          if (!job || job->client_id != caller.subject) return JobNotFound();
                          return ListBidsOnJob(tx, job->id, statuses, request.shortlisted_only(),
                                               order, after, page_size + 1);
                        }));
  const bool more = bids.size() > static_cast<std::size_t>(page_size);
  if (more) bids.resize(page_size);
  for (const BidRecord& bid : bids) ToProto(bid, *response.add_bids());
  if (more) {
    const BidRecord& last = bids.back();
    const std::string key = order == JobBidOrder::kAmountLowFirst
                                ? std::to_string(last.terms.amount_minor_units)
                            : order == JobBidOrder::kReputation ? last.reputation_key
                                                                : "0";
    response.mutable_page()->set_next_page_token(
        connect::EncodePageToken(ListName(order), {key, std::to_string(last.seq)}));
  }
  return OkStatus();
}

Status BiddingService::ShortlistBid(const connect::CallContext& ctx,
                                    const v1::ShortlistBidRequest& request,
                                    v1::ShortlistBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.bid_id(), "bid_id", "a bid"));
  MARKET_ASSIGN_OR_RETURN(
      const BidRecord bid,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<BidRecord> {
                          MARKET_ASSIGN_OR_RETURN(
                              const OwnedBid owned,
                              LockBidOnOwnJob(tx, request.bid_id(), caller, RowLock::kShare));
                          if (owned.bid.status != "active") {
                            return BidNotActive(owned.bid, "only an active bid is shortlisted");
                          }
                          return SetShortlisted(tx, owned.bid.id, request.shortlisted());
                        }));
  ToProto(bid, *response.mutable_bid());
  return OkStatus();
}

Status BiddingService::RejectBid(const connect::CallContext& ctx,
                                 const v1::RejectBidRequest& request,
                                 v1::RejectBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(CheckId(request.bid_id(), "bid_id", "a bid"));
  const std::string reason(text::Trim(request.reason()));
  if (!text::IsValidUtf8(reason) || text::CodePointCount(reason) > kMaxRejectionReasonLength ||
      text::HasControlCharacter(reason, text::Lines::kMulti)) {
    violations.Add("reason", "must be at most 500 characters of text without control characters");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      const BidRecord bid,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<BidRecord> {
            MARKET_ASSIGN_OR_RETURN(const OwnedBid owned,
                                    LockBidOnOwnJob(tx, request.bid_id(), caller, RowLock::kShare));
            if (owned.bid.status != "active") {
              return BidNotActive(owned.bid, "only an active bid is rejected");
            }
            BidRecord rejected = SetBidStatus(tx, owned.bid.id, "rejected", reason);
            v1::BidRejected event;
            ToProto(rejected, *event.mutable_bid());
            MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kIdentity.name, rejected.job_id, event));
            return rejected;
          }));
  log::Info("bid rejected", {{"bid_id", bid.id}, {"job_id", bid.job_id}});
  ToProto(bid, *response.mutable_bid());
  return OkStatus();
}

Status BiddingService::AcceptBid(const connect::CallContext& ctx,
                                 const v1::AcceptBidRequest& request,
                                 v1::AcceptBidResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(CheckId(request.bid_id(), "bid_id", "a bid"));
  violations.Add(CheckIdempotencyKey(request.idempotency_key()));
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  const auto now_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_().time_since_epoch()).count();
  bool replayed = false;
  MARKET_ASSIGN_OR_RETURN(
      const BidRecord bid,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<BidRecord> {
            replayed = false;
            MARKET_ASSIGN_OR_RETURN(
                const OwnedBid owned,
                LockBidOnOwnJob(tx, request.bid_id(), caller, RowLock::kUpdate));
            // Under the job's lock: a twin with the same key has committed or not started.
            const std::optional<std::string> first =
                FindAcceptRequest(tx, caller.subject, request.idempotency_key());
            if (first) {
              if (*first != owned.bid.id) {
                return InvalidArgumentError(
                    "idempotency_key: already used to accept another bid; choose a new key");
              }
              replayed = true;
              return owned.bid;
            }
            if (owned.bid.status == "accepted" || owned.job.status == "filled") {
              return RuleError(StatusCode::kFailedPrecondition, kJobAlreadyFilled,
                               "bid_id: a bid on this job was accepted already");
            }
            if (owned.job.status != "open" && owned.job.status != "closed") {
              return RuleError(StatusCode::kFailedPrecondition, kJobNotOpen,
                               "bid_id: the job is " + owned.job.status);
            }
            if (owned.bid.status != "active") {
              return BidNotActive(owned.bid, "only an active bid can be accepted");
            }
            if (!InsertAcceptRequest(tx, caller.subject, request.idempotency_key(), owned.bid.id)) {
              // The key was taken for a bid of another job meanwhile.
              return AbortedError("idempotency_key: used by a concurrent call; retry");
            }
            BidRecord accepted = SetBidStatus(tx, owned.bid.id, "accepted");
            SetActiveBidsStatus(tx, owned.job.id, "not_chosen");
            SetJobStatus(tx, owned.job.id, "filled");
            MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kIdentity.name, owned.job.id,
                                                   AcceptedEvent(owned.job, accepted, now_micros)));
            return accepted;
          }));
  log::Info(replayed ? "bid acceptance replayed" : "bid accepted",
            {{"bid_id", bid.id}, {"job_id", bid.job_id}});
  ToProto(bid, *response.mutable_bid());
  return OkStatus();
}

}  // namespace market::bidding
