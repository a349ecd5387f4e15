#include "job_events.hpp"

#include <string_view>

#include "bid_repository.hpp"
#include "credit_ledger.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::bidding {
namespace {

namespace lv1 = listings::v1;

// Same or newer versions replace the copy (JobInvited does not change the version); filled and
// cancelled stay, since nothing leaves them and bidding fills a job itself when it accepts a
// bid, before listings hears of it. Invitations only grow.
inline constexpr std::string_view kUpsertJob = R"(
  INSERT INTO jobs (id, client_id, client_country, title, status, budget_kind, currency,
                    expected_duration, allowed_countries, allowed_languages, invite_only,
                    invited_freelancer_ids, bid_deadline, version)
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9::text[], $10::text[], $11, $12::text[],
          'epoch'::timestamptz + $13::bigint * interval '1 microsecond', $14)
  ON CONFLICT (id) DO UPDATE SET
    client_id = EXCLUDED.client_id, client_country = EXCLUDED.client_country,
    title = EXCLUDED.title,
    status = CASE WHEN jobs.status IN ('filled', 'cancelled') THEN jobs.status
                  ELSE EXCLUDED.status END,
    budget_kind = EXCLUDED.budget_kind, currency = EXCLUDED.currency,
    expected_duration = EXCLUDED.expected_duration,
    allowed_countries = EXCLUDED.allowed_countries,
    allowed_languages = EXCLUDED.allowed_languages, invite_only = EXCLUDED.invite_only,
    invited_freelancer_ids = ARRAY(
      SELECT DISTINCT unnest(jobs.invited_freelancer_ids || EXCLUDED.invited_freelancer_ids)),
    bid_deadline = EXCLUDED.bid_deadline, version = EXCLUDED.version, updated_at = now()
  WHERE EXCLUDED.version >= jobs.version)";

std::string_view StatusText(lv1::JobStatus status) {
  switch (status) {
    case lv1::JOB_STATUS_OPEN:
      return "open";
    case lv1::JOB_STATUS_CLOSED:
      return "closed";
    case lv1::JOB_STATUS_FILLED:
      return "filled";
    case lv1::JOB_STATUS_CANCELLED:
      return "cancelled";
    default:
      return "";
  }
}

std::vector<std::string> ToVector(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

void UpsertJob(pqxx::work& tx, const JobCopy& job) {
  pg::Exec(tx, kUpsertJob, job.id, job.client_id, job.client_country, job.title, job.status,
           job.budget_kind, job.currency, job.expected_duration,
           pg::ToArrayLiteral(job.allowed_countries), pg::ToArrayLiteral(job.allowed_languages),
           job.invite_only, pg::ToArrayLiteral(job.invited_freelancer_ids),
           job.bid_deadline_unix_micros, job.version);
}

template <typename Event>
StatusOr<JobCopy> Unpack(const events::v1::EventEnvelope& event, Event& payload) {
  if (!event.payload().UnpackTo(&payload)) {
    return InvalidArgumentError(payload.GetDescriptor()->name() + ": the payload does not parse");
  }
  return JobCopyFrom(payload.job());
}

// The copy as it stands after the event (the event may have been older than the copy).
StatusOr<JobCopy> Stored(pqxx::work& tx, const std::string& job_id) {
  std::optional<JobCopy> job = FindJob(tx, job_id, RowLock::kUpdate);
  if (!job) return InternalError("job copy missing right after its upsert");
  return std::move(*job);
}

}  // namespace

StatusOr<JobCopy> JobCopyFrom(const lv1::Job& job) {
  if (!ids::IsUuid(job.id()) || !ids::IsUuid(job.client_id())) {
    return InvalidArgumentError("job: the event's job has no id or client id");
  }
  JobCopy copy;
  copy.id = job.id();
  copy.client_id = job.client_id();
  copy.client_country = job.client_country();
  copy.title = job.title();
  copy.status = std::string(StatusText(job.status()));
  if (copy.status.empty()) return InvalidArgumentError("job.status: unknown job status");
  if (job.budget().has_fixed_price()) {
    copy.budget_kind = "fixed";
    copy.currency = job.budget().fixed_price().currency();
  } else if (job.budget().has_hourly_rate()) {
    copy.budget_kind = "hourly";
    copy.currency = job.budget().hourly_rate().min().currency();
  } else {
    return InvalidArgumentError("job.budget: the event's job has no budget");
  }
  copy.expected_duration = job.expected_duration();
  copy.allowed_countries = ToVector(job.allowed_countries());
  copy.allowed_languages = ToVector(job.allowed_languages());
  copy.invite_only = job.visibility() == lv1::JOB_VISIBILITY_INVITE_ONLY;
  copy.invited_freelancer_ids = ToVector(job.invited_freelancer_ids());
  copy.bid_deadline_unix_micros =
      job.bid_deadline().seconds() * 1000000 + job.bid_deadline().nanos() / 1000;
  copy.version = job.version();
  return copy;
}

Status ApplyJobEvent(pqxx::work& tx, const events::v1::EventEnvelope& event, const Clock& clock) {
  const auto& payload = event.payload();
  StatusOr<JobCopy> job = InvalidArgumentError("not a job event");
  lv1::JobPosted posted;
  lv1::JobUpdated updated;
  lv1::JobClosed closed;
  lv1::JobInvited invited;
  lv1::JobCancelled cancelled;
  lv1::JobFilled filled;
  if (payload.Is<lv1::JobPosted>()) {
    job = Unpack(event, posted);
  } else if (payload.Is<lv1::JobUpdated>()) {
    job = Unpack(event, updated);
  } else if (payload.Is<lv1::JobClosed>()) {
    job = Unpack(event, closed);
  } else if (payload.Is<lv1::JobInvited>()) {
    job = Unpack(event, invited);
  } else if (payload.Is<lv1::JobCancelled>()) {
    job = Unpack(event, cancelled);
  } else if (payload.Is<lv1::JobFilled>()) {
    job = Unpack(event, filled);
  } else {
    return OkStatus();
  }
  if (!job.ok()) return job.status();
  UpsertJob(tx, *job);
  MARKET_ASSIGN_OR_RETURN(const JobCopy stored, Stored(tx, job->id));
  const CreditPeriod period = CreditPeriodAt(clock());
  if (payload.Is<lv1::JobUpdated>()) {
    const std::vector<BidRecord> expired = ExpireMismatchedBids(tx, stored);
    for (const BidRecord& bid : expired) {
      // The job changed under the bid: its credits return.
      RefundBid(tx, bid.id, period);
    }
    if (!expired.empty()) {
      log::Info("bids expired by a job update",
                {{"job_id", stored.id}, {"bids", std::to_string(expired.size())}});
    }
  } else if (stored.status == "cancelled") {
    const std::vector<BidRecord> expired = SetActiveBidsStatus(tx, stored.id, "expired");
    const std::size_t refunded = RefundJob(tx, stored.id, period);
    log::Info("job cancelled: bids expired, credits refunded",
              {{"job_id", stored.id},
               {"bids", std::to_string(expired.size())},
               {"refunded", std::to_string(refunded)}});
  } else if (stored.status == "filled") {
    SetActiveBidsStatus(tx, stored.id, "not_chosen");
  }
  return OkStatus();
}

}  // namespace market::bidding
