#include "job_proto.hpp"

#include <algorithm>

#include "market/pg/time.hpp"

namespace market::listings {
namespace {

bool IsStaff(const auth::Principal& caller) {
  return caller.HasRole(auth::Role::kOperator) || caller.HasRole(auth::Role::kService);
}

}  // namespace

void ToProto(const JobRecord& record, JobAudience audience, v1::Job& job) {
  const JobFields& f = record.fields;
  job.set_id(record.id);
  job.set_client_id(record.client_id);
  job.set_client_country(record.client_country);
  job.set_title(f.title);
  job.set_description(f.description);
  job.clear_skills();
  for (const auto& skill : f.skills) job.add_skills(skill);
  job.clear_budget();
  if (f.budget_kind == BudgetKind::kFixed) {
    auto* price = job.mutable_budget()->mutable_fixed_price();
    price->set_currency(f.currency);
    price->set_minor_units(f.budget_min_minor_units);
  } else {
    auto* range = job.mutable_budget()->mutable_hourly_rate();
    range->mutable_min()->set_currency(f.currency);
    range->mutable_min()->set_minor_units(f.budget_min_minor_units);
    range->mutable_max()->set_currency(f.currency);
    range->mutable_max()->set_minor_units(f.budget_max_minor_units);
  }
  job.set_expected_duration(f.expected_duration);
  job.clear_allowed_countries();
  for (const auto& country : f.allowed_countries) job.add_allowed_countries(country);
  job.clear_allowed_languages();
  for (const auto& language : f.allowed_languages) job.add_allowed_languages(language);
  job.set_visibility(f.visibility);
  *job.mutable_bid_deadline() = pg::TimestampFromUnixMicros(f.bid_deadline_unix_micros);
  job.set_status(record.status);
  job.clear_invited_freelancer_ids();
  if (audience == JobAudience::kOwnerOrStaff) {
    for (const auto& id : record.invited_freelancer_ids) job.add_invited_freelancer_ids(id);
  }
  job.set_version(record.version);
  *job.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
  *job.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_unix_micros);
}

bool CanSeeJob(const JobRecord& job, const auth::Principal& caller) {
  if (job.fields.visibility == v1::JOB_VISIBILITY_PUBLIC) return true;
  if (AudienceOf(job, caller) == JobAudience::kOwnerOrStaff) return true;
  const auto& invited = job.invited_freelancer_ids;
  return std::find(invited.begin(), invited.end(), caller.subject) != invited.end();
}

JobAudience AudienceOf(const JobRecord& job, const auth::Principal& caller) {
  if (caller.subject == job.client_id || IsStaff(caller)) return JobAudience::kOwnerOrStaff;
  return JobAudience::kOther;
}

bool CanSeeJob(const v1::Job& job, const auth::Principal& caller) {
  if (job.visibility() == v1::JOB_VISIBILITY_PUBLIC) return true;
  if (AudienceOf(job, caller) == JobAudience::kOwnerOrStaff) return true;
  const auto& invited = job.invited_freelancer_ids();
  return std::find(invited.begin(), invited.end(), caller.subject) != invited.end();
}

JobAudience AudienceOf(const v1::Job& job, const auth::Principal& caller) {
  if (caller.subject == job.client_id() || IsStaff(caller)) return JobAudience::kOwnerOrStaff;
  return JobAudience::kOther;
}

}  // namespace market::listings
