#include "job_rows.hpp"

#include "market/pg/arrays.hpp"

namespace market::listings {

JobRecord ReadJob(const pqxx::row& row) {
  JobRecord job;
  job.id = row["id"].as<std::string>();
  job.seq = row["seq"].as<std::int64_t>();
  job.client_id = row["client_id"].as<std::string>();
  job.client_country = row["client_country"].as<std::string>();
  JobFields& f = job.fields;
  f.title = row["title"].as<std::string>();
  f.description = row["description"].as<std::string>();
  f.skills = pg::ReadTextArray(row["skills"]);
  f.budget_kind =
      row["budget_kind"].as<std::string>() == "hourly" ? BudgetKind::kHourly : BudgetKind::kFixed;
  f.currency = row["currency"].as<std::string>();
  f.budget_min_minor_units = row["budget_min_minor_units"].as<std::int64_t>();
  f.budget_max_minor_units = row["budget_max_minor_units"].as<std::int64_t>();
  v1::JobDuration duration = v1::JOB_DURATION_UNSPECIFIED;
  v1::JobDuration_Parse(row["expected_duration"].as<std::string>(), &duration);
  f.expected_duration = duration;
  f.allowed_countries = pg::ReadTextArray(row["allowed_countries"]);
  f.allowed_languages = pg::ReadTextArray(row["allowed_languages"]);
  f.visibility = VisibilityFromName(row["visibility"].as<std::string>());
  f.bid_deadline_unix_micros = row["bid_deadline_micros"].as<std::int64_t>();
  job.status = StatusFromName(row["status"].as<std::string>());
  job.version = row["version"].as<std::int64_t>();
  job.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  job.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  job.invited_freelancer_ids = pg::ReadTextArray(row["invited"]);
  return job;
}

}  // namespace market::listings
