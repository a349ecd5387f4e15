#include "job_validation.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "market/connect/error_details.hpp"

namespace market::listings {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

void SetDeadline(v1::JobFields& job, std::chrono::system_clock::duration ahead) {
  const auto at =
      std::chrono::duration_cast<std::chrono::seconds>((kNow + ahead).time_since_epoch());
  job.mutable_bid_deadline()->set_seconds(at.count());
}

v1::JobFields GoodJob() {
  v1::JobFields job;
  job.set_title("  Payment reconciliation service in Go ");
  job.set_description("Build a service that matches bank statements to ledger entries.");
  job.add_skills("Go");
  job.add_skills("PostgreSQL");
  job.mutable_budget()->mutable_fixed_price()->set_currency("EUR");
  job.mutable_budget()->mutable_fixed_price()->set_minor_units(500000);
  job.set_expected_duration(v1::JOB_DURATION_ONE_TO_THREE_MONTHS);
  job.add_allowed_countries("de");
  job.add_allowed_languages("EN");
  job.set_visibility(v1::JOB_VISIBILITY_PUBLIC);
  SetDeadline(job, 24h * 14);
  return job;
}

std::vector<std::string> BadFields(const v1::JobFields& job) {
  const auto result = ValidateJobFields(job, kNow);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : connect::FieldViolationsOf(result.status())) {
    fields.push_back(violation.field);
  }
  return fields;
}

TEST_CASE("a well-formed job is normalised", "[listings][jobs]") {
  const auto fields = ValidateJobFields(GoodJob(), kNow);
  REQUIRE(fields.ok());
  CHECK(fields->title == "Payment reconciliation service in Go");
  CHECK(fields->skills == std::vector<std::string>{"go", "postgresql"});
  CHECK(fields->budget_kind == BudgetKind::kFixed);
  CHECK(fields->budget_min_minor_units == 500000);
  CHECK(fields->budget_max_minor_units == 500000);
  CHECK(fields->allowed_countries == std::vector<std::string>{"DE"});
  CHECK(fields->allowed_languages == std::vector<std::string>{"en"});
}

TEST_CASE("an empty job names every required field", "[listings][jobs]") {
  CHECK(BadFields(v1::JobFields()) ==
        std::vector<std::string>{"job.title", "job.description", "job.skills", "job.budget",
                                 "job.expected_duration", "job.visibility", "job.bid_deadline"});
}

TEST_CASE("each budget rule names its field", "[listings][jobs]") {
  struct Case {
    const char* name;
    std::function<void(v1::JobFields&)> change;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"an unknown currency",
       [](v1::JobFields& job) { job.mutable_budget()->mutable_fixed_price()->set_currency("XYZ"); },
       {"job.budget.fixed_price.currency"}},
      {"a fixed price below 1 major unit",
       [](v1::JobFields& job) { job.mutable_budget()->mutable_fixed_price()->set_minor_units(99); },
       {"job.budget.fixed_price.minor_units"}},
      {"a fixed price above 1 billion",
       [](v1::JobFields& job) {
         job.mutable_budget()->mutable_fixed_price()->set_minor_units(100'000'000'001);
       },
       {"job.budget.fixed_price.minor_units"}},
      {"an hourly range with min above max",
       [](v1::JobFields& job) {
         auto* range = job.mutable_budget()->mutable_hourly_rate();
         range->mutable_min()->set_currency("USD");
         range->mutable_min()->set_minor_units(5000);
         range->mutable_max()->set_currency("USD");
         range->mutable_max()->set_minor_units(4000);
       },
       {"job.budget.hourly_rate.max"}},
      {"an hourly range in two currencies",
       [](v1::JobFields& job) {
         auto* range = job.mutable_budget()->mutable_hourly_rate();
         range->mutable_min()->set_currency("USD");
         range->mutable_min()->set_minor_units(5000);
         range->mutable_max()->set_currency("EUR");
         range->mutable_max()->set_minor_units(6000);
       },
       {"job.budget.hourly_rate.max.currency"}},
      {"a JPY rate counts whole yen",
       [](v1::JobFields& job) {
         auto* range = job.mutable_budget()->mutable_hourly_rate();
         range->mutable_min()->set_currency("JPY");
         range->mutable_min()->set_minor_units(0);
         range->mutable_max()->set_currency("JPY");
         range->mutable_max()->set_minor_units(100'000'001);
       },
       {"job.budget.hourly_rate.min.minor_units", "job.budget.hourly_rate.max.minor_units"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    v1::JobFields job = GoodJob();
    c.change(job);
    CHECK(BadFields(job) == c.fields);
  }
}

TEST_CASE("countries, languages, skills and the deadline are checked item by item",
          "[listings][jobs]") {
  v1::JobFields job = GoodJob();
  job.add_allowed_countries("XX");
  job.add_allowed_countries("DE");
  job.add_allowed_languages("english");
  job.add_skills("go");
  SetDeadline(job, 30min);
  CHECK(BadFields(job) == std::vector<std::string>{"job.skills[2]", "job.allowed_countries[1]",
                                                   "job.allowed_countries[2]",
                                                   "job.allowed_languages[1]", "job.bid_deadline"});
  SetDeadline(job, 24h * 91);
  job.clear_allowed_countries();
  job.clear_allowed_languages();
  job.clear_skills();
  job.add_skills("go");
  CHECK(BadFields(job) == std::vector<std::string>{"job.bid_deadline"});
}

TEST_CASE("invitations name 1 to 50 distinct account ids", "[listings][jobs]") {
  v1::InviteToJobRequest request;
  request.set_job_id("not-a-uuid");
  CHECK_FALSE(ValidateInvitees(request).ok());
  request.set_job_id("0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34");
  CHECK_FALSE(ValidateInvitees(request).ok());
  request.add_freelancer_ids("1f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34");
  request.add_freelancer_ids("1F8E4A52-3C1D-4B7E-9A06-5D2C8E1F7B34");
  const auto duplicate = ValidateInvitees(request);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().message() == "freelancer_ids[1]: is listed more than once");
  request.mutable_freelancer_ids()->RemoveLast();
  const auto one = ValidateInvitees(request);
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{"1f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34"});
}

}  // namespace
}  // namespace market::listings
