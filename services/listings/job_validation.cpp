#include "job_validation.hpp"

#include <algorithm>

#include "field_rules.hpp"
#include "market/common/ids.hpp"
#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/country.hpp"
#include "market/money/money.hpp"

namespace market::listings {
namespace {

// An amount of whole major units 1..max_major of a known currency; the bounds scale with the
// currency's exponent (USD 1.00 is 100 minor units, JPY 1 is 1).
StatusOr<money::Money> CheckAmount(const common::v1::Money& proto, const std::string& field,
                                   std::int64_t max_major) {
  MARKET_ASSIGN_OR_RETURN(const money::Money amount, money::Money::FromProto(proto, field));
  const std::int64_t scale = PowerOfTen(amount.exponent());
  if (amount.minor_units() < scale || amount.minor_units() > max_major * scale) {
    return FieldError(field + ".minor_units",
                      "must be between 1 and " + std::to_string(max_major) + " " +
                          amount.currency() + ", i.e. " + std::to_string(scale) + " to " +
                          std::to_string(max_major * scale) + " minor units");
  }
  return amount;
}

void CheckBudget(const v1::JobFields& job, JobFields& fields,
                 connect::FieldViolations& violations) {
  switch (job.budget().kind_case()) {
    case v1::JobBudget::kFixedPrice: {
      auto amount = CheckAmount(job.budget().fixed_price(), "job.budget.fixed_price",
                                kMaxFixedBudgetMajorUnits);
      if (!amount.ok()) return violations.Add(amount.status());
      fields.budget_kind = BudgetKind::kFixed;
      fields.currency = amount->currency();
      fields.budget_min_minor_units = fields.budget_max_minor_units = amount->minor_units();
      return;
    }
    case v1::JobBudget::kHourlyRate: {
      const auto& range = job.budget().hourly_rate();
      auto min = CheckAmount(range.min(), "job.budget.hourly_rate.min", kMaxHourlyBudgetMajorUnits);
      auto max = CheckAmount(range.max(), "job.budget.hourly_rate.max", kMaxHourlyBudgetMajorUnits);
      if (!min.ok()) violations.Add(min.status());
      if (!max.ok()) violations.Add(max.status());
      if (!min.ok() || !max.ok()) return;
      if (min->currency() != max->currency()) {
        return violations.Add("job.budget.hourly_rate.max.currency",
                              "must be the currency of min (" + min->currency() + ")");
      }
      if (min->minor_units() > max->minor_units()) {
        return violations.Add("job.budget.hourly_rate.max", "must not be below min");
      }
      fields.budget_kind = BudgetKind::kHourly;
      fields.currency = min->currency();
      fields.budget_min_minor_units = min->minor_units();
      fields.budget_max_minor_units = max->minor_units();
      return;
    }
    case v1::JobBudget::KIND_NOT_SET:
      return violations.Add("job.budget", "is required: a fixed_price or an hourly_rate range");
  }
}

std::vector<std::string> CheckCountries(
    const google::protobuf::RepeatedPtrField<std::string>& codes,
    connect::FieldViolations& violations) {
  if (static_cast<std::size_t>(codes.size()) > kMaxJobCountries) {
    violations.Add("job.allowed_countries",
                   "must list at most " + std::to_string(kMaxJobCountries) + " countries");
    return {};
  }
  std::vector<std::string> normalised;
  for (int i = 0; i < codes.size(); ++i) {
    std::string code(text::Trim(codes[i]));
    std::transform(code.begin(), code.end(), code.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
    if (!money::IsCountryCode(code)) {
      violations.Add(Indexed("job.allowed_countries", i),
                     "must be an ISO 3166-1 alpha-2 country code such as \"DE\"");
    } else if (std::find(normalised.begin(), normalised.end(), code) != normalised.end()) {
      violations.Add(Indexed("job.allowed_countries", i),
                     "\"" + code + "\" is listed more than once");
    } else {
      normalised.push_back(std::move(code));
    }
  }
  return normalised;
}

}  // namespace

StatusOr<JobFields> ValidateJobFields(const v1::JobFields& job,
                                      std::chrono::system_clock::time_point now) {
  connect::FieldViolations violations;
  JobFields fields;
  fields.title = violations.Take(
      CheckText(job.title(), "job.title", {.max_length = kMaxJobTitleLength, .required = true}));
  fields.description = violations.Take(
      CheckText(job.description(), "job.description",
                {.max_length = kMaxJobDescriptionLength, .required = true, .multi_line = true}));
  fields.skills = CheckSkills(job.skills(), "job.skills", kMaxJobSkills, violations);
  CheckBudget(job, fields, violations);
  if (job.expected_duration() == v1::JOB_DURATION_UNSPECIFIED ||
      !v1::JobDuration_IsValid(job.expected_duration())) {
    violations.Add("job.expected_duration", "is required: one of the JobDuration values");
  }
  fields.expected_duration = job.expected_duration();
  fields.allowed_countries = CheckCountries(job.allowed_countries(), violations);
  fields.allowed_languages = CheckLanguages(job.allowed_languages(), "job.allowed_languages",
                                            kMaxJobLanguages, violations);
  if (job.visibility() != v1::JOB_VISIBILITY_PUBLIC &&
      job.visibility() != v1::JOB_VISIBILITY_INVITE_ONLY) {
    violations.Add("job.visibility", "is required: PUBLIC or INVITE_ONLY");
  }
  fields.visibility = job.visibility();
  if (!job.has_bid_deadline()) {
    violations.Add("job.bid_deadline", "is required");
  } else {
    const auto& deadline = job.bid_deadline();
    const std::int64_t now_micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    // Seconds beyond int64 microseconds are far outside the window anyway.
    const bool representable = deadline.seconds() > 0 && deadline.seconds() < (1LL << 40) &&
                               deadline.nanos() >= 0 && deadline.nanos() < 1'000'000'000;
    const std::int64_t micros =
        representable ? deadline.seconds() * 1'000'000 + deadline.nanos() / 1000 : 0;
    const std::int64_t min = now_micros + std::chrono::microseconds(kMinBidWindow).count();
    const std::int64_t max = now_micros + std::chrono::microseconds(kMaxBidWindow).count();
    if (!representable || micros < min || micros > max) {
      violations.Add("job.bid_deadline", "must be between 1 hour and 90 days from now");
    }
    fields.bid_deadline_unix_micros = micros;
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return fields;
}

Status ValidateJobId(std::string_view job_id) {
  if (!ids::IsUuid(job_id)) return FieldError("job_id", "must be a job id (UUID)");
  return OkStatus();
}

StatusOr<std::vector<std::string>> ValidateInvitees(const v1::InviteToJobRequest& request) {
  connect::FieldViolations violations;
  violations.Add(ValidateJobId(request.job_id()));
  const auto& ids = request.freelancer_ids();
  std::vector<std::string> invitees;
  if (ids.empty()) {
    violations.Add("freelancer_ids", "must name at least one freelancer");
  } else if (static_cast<std::size_t>(ids.size()) > kMaxInvitesPerCall) {
    violations.Add("freelancer_ids", "must name at most " + std::to_string(kMaxInvitesPerCall) +
                                         " freelancers per call");
  } else {
    for (int i = 0; i < ids.size(); ++i) {
      const std::string id = text::ToLowerAscii(ids[i]);
      if (!ids::IsUuid(id)) {
        violations.Add(Indexed("freelancer_ids", i), "must be an account id (UUID)");
      } else if (std::find(invitees.begin(), invitees.end(), id) != invitees.end()) {
        violations.Add(Indexed("freelancer_ids", i), "is listed more than once");
      } else {
        invitees.push_back(id);
      }
    }
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return invitees;
}

std::string_view BudgetKindName(BudgetKind kind) {
  return kind == BudgetKind::kFixed ? "fixed" : "hourly";
}

std::string_view VisibilityName(v1::JobVisibility visibility) {
  return visibility == v1::JOB_VISIBILITY_INVITE_ONLY ? "invite_only" : "public";
}

v1::JobVisibility VisibilityFromName(std::string_view name) {
  return name == "invite_only" ? v1::JOB_VISIBILITY_INVITE_ONLY : v1::JOB_VISIBILITY_PUBLIC;
}

std::string_view StatusName(v1::JobStatus status) {
  switch (status) {
    case v1::JOB_STATUS_OPEN:
      return "open";
    case v1::JOB_STATUS_CLOSED:
      return "closed";
    case v1::JOB_STATUS_FILLED:
      return "filled";
    case v1::JOB_STATUS_CANCELLED:
      return "cancelled";
    default:
      return "";
  }
}

v1::JobStatus StatusFromName(std::string_view name) {
  if (name == "open") return v1::JOB_STATUS_OPEN;
  if (name == "closed") return v1::JOB_STATUS_CLOSED;
  if (name == "filled") return v1::JOB_STATUS_FILLED;
  if (name == "cancelled") return v1::JOB_STATUS_CANCELLED;
  return v1::JOB_STATUS_UNSPECIFIED;
}

}  // namespace market::listings
