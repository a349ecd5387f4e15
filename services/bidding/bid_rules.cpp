#include "bid_rules.hpp"

#include <algorithm>

#include "market/connect/error_details.hpp"

namespace market::bidding {

bool JobCopy::Invited(const std::string& freelancer_id) const {
  return std::find(invited_freelancer_ids.begin(), invited_freelancer_ids.end(), freelancer_id) !=
         invited_freelancer_ids.end();
}

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) {
    if (!joined.empty()) joined += ", ";
    joined += item;
  }
  return joined;
}

}  // namespace

Status RuleError(StatusCode code, std::string_view reason, std::string message) {
  return Status(code, std::move(message)).WithDetail(connect::ErrorInfo(reason, kReasonDomain));
}

Status JobNotFound() {
  return RuleError(StatusCode::kNotFound, kJobNotFound, "job_id: no such job");
}

Status CheckOpenForBids(const JobCopy& job, std::chrono::system_clock::time_point now) {
  if (job.status != "open") {
    return RuleError(StatusCode::kFailedPrecondition, kJobNotOpen,
                     "job_id: the job is " + job.status + " and takes no bids");
  }
  const auto now_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  if (now_micros >= job.bid_deadline_unix_micros) {
    return RuleError(StatusCode::kFailedPrecondition, kBidDeadlinePassed,
                     "job_id: the job's bid deadline has passed");
  }
  return OkStatus();
}

Status CheckCanBid(const JobCopy& job, const auth::Principal& freelancer,
                   std::chrono::system_clock::time_point now) {
  if (job.invite_only && !job.Invited(freelancer.subject) && job.client_id != freelancer.subject) {
    return JobNotFound();
  }
  if (job.client_id == freelancer.subject) {
    return RuleError(StatusCode::kFailedPrecondition, kOwnJob,
                     "job_id: you cannot bid on your own job");
  }
  MARKET_RETURN_IF_ERROR(CheckOpenForBids(job, now));
  if (!job.allowed_countries.empty() &&
      std::find(job.allowed_countries.begin(), job.allowed_countries.end(), freelancer.country) ==
          job.allowed_countries.end()) {
    return RuleError(
        StatusCode::kPermissionDenied, kCountryNotAllowed,
        "job_id: the job does not take bids from your country (" + freelancer.country + ")");
  }
  return OkStatus();
}

Status CheckLanguages(const JobCopy& job,
                      const std::optional<std::vector<std::string>>& languages) {
  if (job.allowed_languages.empty()) return OkStatus();
  if (languages) {
    for (const std::string& language : *languages) {
      if (std::find(job.allowed_languages.begin(), job.allowed_languages.end(), language) !=
          job.allowed_languages.end()) {
        return OkStatus();
      }
    }
  }
  const std::string listed = languages && !languages->empty() ? Join(*languages) : "no languages";
  return RuleError(StatusCode::kPermissionDenied, kLanguageNotAllowed,
                   "job_id: the job takes bids from freelancers who speak " +
                       Join(job.allowed_languages) + "; your profile lists " + listed +
                       " (UpsertMyProfile sets them)");
}

Status CheckTermsFitJob(const Terms& terms, const JobCopy& job) {
  if (terms.kind != job.budget_kind) {
    return RuleError(StatusCode::kFailedPrecondition, kBidKindMismatch,
                     job.budget_kind == "hourly"
                         ? "terms.price: the job pays by the hour; bid an hourly_rate"
                         : "terms.price: the job has a fixed price; bid a fixed_price");
  }
  if (terms.currency != job.currency) {
    return RuleError(StatusCode::kFailedPrecondition, kCurrencyMismatch,
                     "terms.price.currency: must be the job's currency, " + job.currency);
  }
  return OkStatus();
}

}  // namespace market::bidding
