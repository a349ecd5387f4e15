// The job methods of ListingsService. A call goes: generated Register() (token, role) → the
// method here (input, then visibility and ownership inside the transaction) → job_repository.cpp
// (SQL). Every change writes its event to the outbox in the same transaction.
#include <algorithm>
#include <chrono>
#include <string>

#include "job_proto.hpp"
#include "job_validation.hpp"
#include "listings_identity.hpp"
#include "listings_service.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/events/outbox.hpp"
#include "market/money/country.hpp"
#include "market/pg/transaction.hpp"

namespace market::listings {
namespace {

inline constexpr int kDefaultJobPageSize = 20;
inline constexpr int kMaxJobPageSize = 100;
inline constexpr std::string_view kMyJobsList = "jobs.mine";

// Events carry the whole job as the owner sees it.
template <typename Event>
Status EnqueueJobEvent(pqxx::work& tx, const JobRecord& job, Event& event) {
  ToProto(job, JobAudience::kOwnerOrStaff, *event.mutable_job());
  return events::Enqueue(tx, kIdentity.name, job.id, event);
}

// The caller's own job, locked for the change: not_found when it does not exist or the caller
// may not see it (an invite-only job stays hidden), permission_denied when the caller sees it but
// does not own it.
StatusOr<JobRecord> LockOwnJob(pqxx::work& tx, const std::string& job_id,
                               const auth::Principal& caller) {
  std::optional<JobRecord> job = FindJob(tx, job_id, /*for_update=*/true);
  if (!job || !CanSeeJob(*job, caller)) return NotFoundError("job_id: no such job");
  if (job->client_id != caller.subject) {
    return PermissionDeniedError("job_id: only the client that posted the job may change it");
  }
  return std::move(*job);
}

Status NotInStatusError(const JobRecord& job, std::string_view what) {
  return FailedPreconditionError("job_id: the job is " + std::string(StatusName(job.status)) +
                                 "; " + std::string(what));
}

StatusOr<std::vector<v1::JobStatus>> CheckStatuses(
    const google::protobuf::RepeatedField<int>& statuses) {
  connect::FieldViolations violations;
  std::vector<v1::JobStatus> checked;
  for (int i = 0; i < statuses.size(); ++i) {
    const int status = statuses[i];
    if (status == v1::JOB_STATUS_UNSPECIFIED || !v1::JobStatus_IsValid(status)) {
      violations.Add("statuses[" + std::to_string(i) + "]", "must be a JobStatus value");
    } else {
      checked.push_back(static_cast<v1::JobStatus>(status));
    }
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return checked;
}

}  // namespace

void ListingsService::CacheJob(const JobRecord& job) {
  v1::Job copy;
  ToProto(job, JobAudience::kOwnerOrStaff, copy);
  jobs_cache_.Put(job.id, job.version, copy.SerializeAsString());
}

Status ListingsService::PostJob(const connect::CallContext& ctx, const v1::PostJobRequest& request,
                                v1::PostJobResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const JobFields fields,
                          ValidateJobFields(request.job(), std::chrono::system_clock::now()));
  // The job shows the client's country, vouched for by the token.
  if (!money::IsCountryCode(caller.country)) {
    return FailedPreconditionError(
        "country: the caller's account has no ISO 3166-1 country; sign in again");
  }
  MARKET_ASSIGN_OR_RETURN(
      const JobRecord job,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<JobRecord> {
                          JobRecord posted = InsertJob(tx, caller.subject, caller.country, fields);
                          v1::JobPosted event;
                          MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, posted, event));
                          return posted;
                        }));
  CacheJob(job);
  log::Info("job posted", {{"job_id", job.id}, {"client_id", job.client_id}});
  ToProto(job, JobAudience::kOwnerOrStaff, *response.mutable_job());
  return OkStatus();
}

Status ListingsService::UpdateJob(const connect::CallContext& ctx,
                                  const v1::UpdateJobRequest& request,
                                  v1::UpdateJobResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(ValidateJobId(request.job_id()));
  const JobFields fields =
      violations.Take(ValidateJobFields(request.job(), std::chrono::system_clock::now()));
  if (request.expected_version() < 0) {
    violations.Add("expected_version", "must not be negative");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      const JobRecord job,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<JobRecord> {
                          MARKET_ASSIGN_OR_RETURN(const JobRecord current,
                                                  LockOwnJob(tx, request.job_id(), caller));
                          if (current.status != v1::JOB_STATUS_OPEN) {
                            return NotInStatusError(current, "only an open job can be edited");
                          }
                          if (request.expected_version() != 0 &&
                              request.expected_version() != current.version) {
                            return AbortedError("expected_version: the job is at version " +
                                                std::to_string(current.version) + ", not " +
                                                std::to_string(request.expected_version()) +
                                                "; read it again and retry");
                          }
                          JobRecord updated = UpdateJobFields(tx, current.id, fields);
                          v1::JobUpdated event;
                          MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, updated, event));
                          return updated;
                        }));
  CacheJob(job);
  log::Info("job updated", {{"job_id", job.id}, {"version", job.version}});
  ToProto(job, JobAudience::kOwnerOrStaff, *response.mutable_job());
  return OkStatus();
}

Status ListingsService::CloseJob(const connect::CallContext& ctx,
                                 const v1::CloseJobRequest& request,
                                 v1::CloseJobResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateJobId(request.job_id()));
  MARKET_ASSIGN_OR_RETURN(
      const JobRecord job,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<JobRecord> {
                          MARKET_ASSIGN_OR_RETURN(const JobRecord current,
                                                  LockOwnJob(tx, request.job_id(), caller));
                          if (!JobTransitionAllowed(current.status, v1::JOB_STATUS_CLOSED)) {
                            return NotInStatusError(current, "only an open job can be closed");
                          }
                          JobRecord closed = SetJobStatus(tx, current.id, v1::JOB_STATUS_CLOSED);
                          v1::JobClosed event;
                          MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, closed, event));
                          return closed;
                        }));
  CacheJob(job);
  log::Info("job closed", {{"job_id", job.id}});
  ToProto(job, JobAudience::kOwnerOrStaff, *response.mutable_job());
  return OkStatus();
}

Status ListingsService::CancelJob(const connect::CallContext& ctx,
                                  const v1::CancelJobRequest& request,
                                  v1::CancelJobResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateJobId(request.job_id()));
  MARKET_ASSIGN_OR_RETURN(
      const JobRecord job,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<JobRecord> {
            MARKET_ASSIGN_OR_RETURN(const JobRecord current,
                                    LockOwnJob(tx, request.job_id(), caller));
            if (!JobTransitionAllowed(current.status, v1::JOB_STATUS_CANCELLED)) {
              return NotInStatusError(current, "only an open or closed job can be cancelled");
            }
            JobRecord cancelled = SetJobStatus(tx, current.id, v1::JOB_STATUS_CANCELLED);
            v1::JobCancelled event;
            MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, cancelled, event));
            return cancelled;
          }));
  CacheJob(job);
  log::Info("job cancelled", {{"job_id", job.id}});
  ToProto(job, JobAudience::kOwnerOrStaff, *response.mutable_job());
  return OkStatus();
}

Status ListingsService::GetJob(const connect::CallContext& ctx, const v1::GetJobRequest& request,
                               v1::GetJobResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  MARKET_RETURN_IF_ERROR(ValidateJobId(request.job_id()));
  v1::Job job;
  // A cached copy serves everyone but the owner, who reads Postgres and so always sees its own
  // writes, even one whose write-through was lost.
  const std::optional<std::string> cached = jobs_cache_.Get(request.job_id());
  const bool hit = cached && job.ParseFromString(*cached) && job.client_id() != caller.subject;
  if (!hit) {
    MARKET_ASSIGN_OR_RETURN(
        const std::optional<JobRecord> found,
        pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                          [&](pqxx::work& tx) -> StatusOr<std::optional<JobRecord>> {
                            return FindJob(tx, request.job_id());
                          }));
    if (!found) return NotFoundError("job_id: no such job");
    job.Clear();
    ToProto(*found, JobAudience::kOwnerOrStaff, job);
    jobs_cache_.Put(found->id, found->version, job.SerializeAsString());
  }
  // Hidden and missing look the same, so the answer reveals nothing about invite-only jobs.
  if (!CanSeeJob(job, caller)) return NotFoundError("job_id: no such job");
  if (AudienceOf(job, caller) == JobAudience::kOther) job.clear_invited_freelancer_ids();
  *response.mutable_job() = std::move(job);
  return OkStatus();
}

Status ListingsService::ListMyJobs(const connect::CallContext& ctx,
                                   const v1::ListMyJobsRequest& request,
                                   v1::ListMyJobsResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  const std::vector<v1::JobStatus> statuses = violations.Take(CheckStatuses(request.statuses()));
  const int page_size = violations.Take(
      connect::CheckPageSize(request.page().page_size(), kDefaultJobPageSize, kMaxJobPageSize));
  const std::vector<std::string> keys =
      violations.Take(connect::DecodePageToken(request.page().page_token(), kMyJobsList, 1));
  std::int64_t before_seq = 0;
  if (!keys.empty()) before_seq = violations.Take(connect::PageKeyAsInt(keys[0]));
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  // One more than asked for tells whether another page follows.
  MARKET_ASSIGN_OR_RETURN(
      std::vector<JobRecord> jobs,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<JobRecord>> {
                          return ListClientJobs(tx, caller.subject, statuses, before_seq,
                                                page_size + 1);
                        }));
  const bool more = jobs.size() > static_cast<std::size_t>(page_size);
  if (more) jobs.resize(page_size);
  for (const auto& job : jobs) ToProto(job, JobAudience::kOwnerOrStaff, *response.add_jobs());
  if (more) {
    response.mutable_page()->set_next_page_token(
        connect::EncodePageToken(kMyJobsList, {std::to_string(jobs.back().seq)}));
  }
  return OkStatus();
}

Status ListingsService::InviteToJob(const connect::CallContext& ctx,
                                    const v1::InviteToJobRequest& request,
                                    v1::InviteToJobResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const std::vector<std::string> invitees, ValidateInvitees(request));
  struct Invited {
    JobRecord job;
    std::vector<std::string> added;
  };
  MARKET_ASSIGN_OR_RETURN(
      const Invited invited,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> StatusOr<Invited> {
            MARKET_ASSIGN_OR_RETURN(const JobRecord current,
                                    LockOwnJob(tx, request.job_id(), caller));
            if (current.status != v1::JOB_STATUS_OPEN) {
              return NotInStatusError(current, "only an open job takes invitations");
            }
            const std::vector<std::string> missing = WithoutProfile(tx, invitees);
            if (!missing.empty()) {
              connect::FieldViolations unknown;
              for (std::size_t i = 0; i < invitees.size(); ++i) {
                if (std::find(missing.begin(), missing.end(), invitees[i]) != missing.end()) {
                  unknown.Add("freelancer_ids[" + std::to_string(i) + "]",
                              "no freelancer profile has this id");
                }
              }
              Status status = unknown.ToStatus();
              return NotFoundError(status.message());
            }
            std::size_t fresh = 0;
            for (const auto& id : invitees) {
              const auto& already = current.invited_freelancer_ids;
              if (std::find(already.begin(), already.end(), id) == already.end()) ++fresh;
            }
            // Counted under the job's row lock, so concurrent invitations cannot overshoot.
            if (current.invited_freelancer_ids.size() + fresh > kMaxInvitesPerJob) {
              return FailedPreconditionError(
                  "freelancer_ids: a job holds at most " + std::to_string(kMaxInvitesPerJob) +
                  " invitations; it has " + std::to_string(current.invited_freelancer_ids.size()));
            }
            Invited result{current, AddInvitations(tx, current.id, invitees)};
            if (!result.added.empty()) {
              result.job = TouchJob(tx, current.id);
              v1::JobInvited event;
              for (const auto& id : result.added) event.add_freelancer_ids(id);
              MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, result.job, event));
            }
            return result;
          }));
  CacheJob(invited.job);
  log::Info("freelancers invited", {{"job_id", invited.job.id},
                                    {"invited", static_cast<std::int64_t>(invited.added.size())}});
  ToProto(invited.job, JobAudience::kOwnerOrStaff, *response.mutable_job());
  for (const auto& id : invited.added) response.add_newly_invited_freelancer_ids(id);
  return OkStatus();
}

Status ListingsService::ApplyBidAccepted(pqxx::work& tx, const bidding::v1::BidAccepted& accepted) {
  if (!ids::IsUuid(accepted.job_id()) || !ids::IsUuid(accepted.bid_id())) {
    return InvalidArgumentError("BidAccepted: job_id and bid_id must be UUIDs");
  }
  std::optional<JobRecord> job = FindJob(tx, accepted.job_id(), /*for_update=*/true);
  if (!job) {
    log::Warn("bid accepted on an unknown job", {{"job_id", accepted.job_id()}});
    return OkStatus();
  }
  // Redelivery and late events change nothing: filled and cancelled are final.
  if (!JobTransitionAllowed(job->status, v1::JOB_STATUS_FILLED)) {
    if (job->status != v1::JOB_STATUS_FILLED) {
      log::Warn("bid accepted on a job that cannot be filled",
                {{"job_id", job->id}, {"status", std::string(StatusName(job->status))}});
    }
    return OkStatus();
  }
  const JobRecord filled = SetJobStatus(tx, job->id, v1::JOB_STATUS_FILLED, accepted.bid_id());
  // The consumer commits after this returns, so the new copy cannot be written through yet:
  // readers fetch the job until one caches the filled version.
  jobs_cache_.ForgetBelow(job->id, filled.version);
  v1::JobFilled event;
  event.set_bid_id(accepted.bid_id());
  MARKET_RETURN_IF_ERROR(EnqueueJobEvent(tx, filled, event));
  log::Info("job filled", {{"job_id", filled.id}, {"bid_id", accepted.bid_id()}});
  return OkStatus();
}

}  // namespace market::listings
