#include "bid_rules.hpp"

#include <catch2/catch.hpp>

#include "bid_terms.hpp"
#include "credit_policy.hpp"
#include "market/connect/error_details.hpp"

namespace market::bidding {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + 14h;

std::int64_t Micros(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

JobCopy OpenJob() {
  JobCopy job;
  job.id = "0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34";
  job.client_id = "11111111-1111-4111-8111-111111111111";
  job.status = "open";
  job.budget_kind = "fixed";
  job.currency = "EUR";
  job.bid_deadline_unix_micros = Micros(kNow + 24h);
  return job;
}

auth::Principal Freelancer(std::string country = "DE") {
  return {.subject = "22222222-2222-4222-8222-222222222222",
          .roles = {auth::Role::kFreelancer},
          .country = std::move(country)};
}

v1::BidTerms FixedTerms(std::int64_t amount, std::vector<std::int64_t> milestones) {
  v1::BidTerms terms;
  terms.mutable_fixed_price()->set_currency("EUR");
  terms.mutable_fixed_price()->set_minor_units(amount);
  terms.set_delivery_days(14);
  terms.set_cover_letter("I have done this before.");
  for (const std::int64_t part : milestones) {
    v1::ProposedMilestone& milestone = *terms.add_milestones();
    milestone.set_title("Part");
    milestone.mutable_amount()->set_currency("EUR");
    milestone.mutable_amount()->set_minor_units(part);
  }
  return terms;
}

std::string ReasonOf(const Status& status) {
  const auto info = connect::ErrorInfoOf(status);
  return info ? info->reason : "";
}

std::vector<std::string> FieldsOf(const Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : connect::FieldViolationsOf(status))
    fields.push_back(violation.field);
  return fields;
}

}  // namespace

TEST_CASE("fixed-price bid terms: milestones sum exactly to the amount", "[bidding]") {
  SECTION("an exact sum is valid") {
    auto terms = ValidateTerms(FixedTerms(100000, {40000, 60000}));
    REQUIRE(terms.ok());
    CHECK(terms->kind == "fixed");
    CHECK(terms->amount_minor_units == 100000);
    CHECK(terms->milestones.size() == 2);
  }
  SECTION("a sum one cent short is invalid_argument on terms.milestones") {
    auto terms = ValidateTerms(FixedTerms(100000, {40000, 59999}));
    CHECK(terms.status().code() == StatusCode::kInvalidArgument);
    CHECK(FieldsOf(terms.status()) == std::vector<std::string>{"terms.milestones"});
  }
  SECTION("a sum over the amount is invalid") {
    CHECK(FieldsOf(ValidateTerms(FixedTerms(100000, {90000, 20000})).status()) ==
          std::vector<std::string>{"terms.milestones"});
  }
  SECTION("no milestones is invalid") {
    CHECK(FieldsOf(ValidateTerms(FixedTerms(100000, {})).status()) ==
          std::vector<std::string>{"terms.milestones"});
  }
}

TEST_CASE("bid amounts are positive and within bounds", "[bidding]") {
  const auto field_of = [](std::int64_t amount) {
    return FieldsOf(ValidateTerms(FixedTerms(amount, {amount})).status());
  };
  CHECK(field_of(0).front() == "terms.fixed_price.minor_units");
  CHECK(field_of(-5).front() == "terms.fixed_price.minor_units");
  // 10,000,000 EUR is the most; one cent more is out of bounds.
  CHECK(ValidateTerms(FixedTerms(1'000'000'000, {1'000'000'000})).ok());
  CHECK(field_of(1'000'000'001).front() == "terms.fixed_price.minor_units");

  v1::BidTerms hourly;
  hourly.mutable_hourly_rate()->set_currency("JPY");
  hourly.mutable_hourly_rate()->set_minor_units(1'000'001);
  hourly.set_delivery_days(10);
  hourly.set_weekly_hour_limit(20);
  hourly.set_cover_letter("Hi");
  CHECK(FieldsOf(ValidateTerms(hourly).status()) ==
        std::vector<std::string>{"terms.hourly_rate.minor_units"});
  hourly.mutable_hourly_rate()->set_minor_units(1'000'000);
  CHECK(ValidateTerms(hourly).ok());
}

TEST_CASE("bid terms name every bad field at once", "[bidding]") {
  v1::BidTerms terms;
  terms.mutable_hourly_rate()->set_currency("XYZ");
  terms.mutable_hourly_rate()->set_minor_units(100);
  terms.set_delivery_days(0);
  terms.set_weekly_hour_limit(81);
  const auto fields = FieldsOf(ValidateTerms(terms).status());
  CHECK(fields == std::vector<std::string>{"terms.hourly_rate.currency", "terms.delivery_days",
                                           "terms.weekly_hour_limit", "terms.cover_letter"});
  // A bad price is reported once, not again under every milestone.
  v1::BidTerms unknown_currency = FixedTerms(100000, {100000});
  unknown_currency.mutable_fixed_price()->set_currency("XYZ");
  CHECK(FieldsOf(ValidateTerms(unknown_currency).status()) ==
        std::vector<std::string>{"terms.fixed_price.currency"});
  v1::BidTerms none;
  CHECK(FieldsOf(ValidateTerms(none).status()).front() == "terms.price");
}

TEST_CASE("who may bid on which job, with codes and reasons", "[bidding]") {
  const JobCopy open = OpenJob();
  CHECK(CheckCanBid(open, Freelancer(), kNow).ok());

  struct Case {
    std::string name;
    JobCopy job;
    auth::Principal caller;
    StatusCode code;
    std::string reason;
  };
  std::vector<Case> cases;
  {
    JobCopy own = open;
    own.client_id = Freelancer().subject;
    cases.push_back({"own job", own, Freelancer(), StatusCode::kFailedPrecondition, "OWN_JOB"});
  }
  for (const std::string status : {"closed", "filled", "cancelled"}) {
    JobCopy job = open;
    job.status = status;
    cases.push_back({status, job, Freelancer(), StatusCode::kFailedPrecondition, "JOB_NOT_OPEN"});
  }
  {
    JobCopy late = open;
    late.bid_deadline_unix_micros = Micros(kNow);
    cases.push_back({"deadline reached", late, Freelancer(), StatusCode::kFailedPrecondition,
                     "BID_DEADLINE_PASSED"});
  }
  {
    JobCopy invite_only = open;
    invite_only.invite_only = true;
    cases.push_back({"invite-only, not invited", invite_only, Freelancer(), StatusCode::kNotFound,
                     "JOB_NOT_FOUND"});
  }
  {
    JobCopy countries = open;
    countries.allowed_countries = {"FR", "NL"};
    cases.push_back({"country not allowed", countries, Freelancer("DE"),
                     StatusCode::kPermissionDenied, "COUNTRY_NOT_ALLOWED"});
  }
  for (const Case& c : cases) {
    INFO(c.name);
    const Status status = CheckCanBid(c.job, c.caller, kNow);
    CHECK(status.code() == c.code);
    CHECK(ReasonOf(status) == c.reason);
  }

  JobCopy invited = open;
  invited.invite_only = true;
  invited.invited_freelancer_ids = {Freelancer().subject};
  CHECK(CheckCanBid(invited, Freelancer(), kNow).ok());
  JobCopy allowed = open;
  allowed.allowed_countries = {"FR", "DE"};
  CHECK(CheckCanBid(allowed, Freelancer("DE"), kNow).ok());
}

TEST_CASE("a job's allowed languages need one of them on the freelancer's profile", "[bidding]") {
  JobCopy job = OpenJob();
  CHECK(CheckLanguages(job, std::nullopt).ok());
  job.allowed_languages = {"de", "pl"};
  const Status no_profile = CheckLanguages(job, std::nullopt);
  CHECK(no_profile.code() == StatusCode::kPermissionDenied);
  CHECK(ReasonOf(no_profile) == "LANGUAGE_NOT_ALLOWED");
  CHECK(ReasonOf(CheckLanguages(job, std::vector<std::string>{})) == "LANGUAGE_NOT_ALLOWED");
  const Status other = CheckLanguages(job, std::vector<std::string>{"en", "fr"});
  CHECK(ReasonOf(other) == "LANGUAGE_NOT_ALLOWED");
  CHECK(other.message().find("de, pl") != std::string::npos);
  CHECK(CheckLanguages(job, std::vector<std::string>{"en", "pl"}).ok());
}

TEST_CASE("bid terms must fit the job's budget kind and currency", "[bidding]") {
  const Terms fixed_eur = *ValidateTerms(FixedTerms(5000, {5000}));
  JobCopy job = OpenJob();
  CHECK(CheckTermsFitJob(fixed_eur, job).ok());
  job.currency = "USD";
  CHECK(ReasonOf(CheckTermsFitJob(fixed_eur, job)) == "CURRENCY_MISMATCH");
  job.currency = "EUR";
  job.budget_kind = "hourly";
  const Status kind = CheckTermsFitJob(fixed_eur, job);
  CHECK(kind.code() == StatusCode::kFailedPrecondition);
  CHECK(ReasonOf(kind) == "BID_KIND_MISMATCH");
}

TEST_CASE("credit months are UTC calendar months", "[bidding][credits]") {
  using std::chrono::sys_days;
  const auto last_instant_of_december =
      sys_days{std::chrono::year{2026} / 12 / 31} + 23h + 59min + 59s + 999999us;
  const CreditPeriod december = CreditPeriodAt(last_instant_of_december);
  CHECK(december.StartDate() == "2026-12-01");
  CHECK(december.next == sys_days{std::chrono::year{2027} / 1 / 1});
  const CreditPeriod january = CreditPeriodAt(sys_days{std::chrono::year{2027} / 1 / 1});
  CHECK(january.StartDate() == "2027-01-01");
  CHECK(CreditPeriodAt(sys_days{std::chrono::year{2028} / 2 / 29}).next ==
        sys_days{std::chrono::year{2028} / 3 / 1});
}

TEST_CASE("a bid costs credits by the job's expected duration", "[bidding][credits]") {
  config::Env env(
      {{"MARKET_BIDDING_CREDITS_SMALL_JOB", "1"}, {"MARKET_BIDDING_MONTHLY_CREDITS", "30"}});
  const CreditPolicy policy = CreditPolicy::FromEnv(env);
  REQUIRE(env.Check().ok());
  CHECK(policy.monthly_allowance == 30);
  CHECK(policy.BidCost(1) == 1);
  CHECK(policy.BidCost(2) == 1);
  CHECK(policy.BidCost(3) == 4);
  CHECK(policy.BidCost(4) == 6);
  CHECK(policy.BidCost(5) == 6);

  config::Env bad(std::map<std::string, std::string>{{"MARKET_BIDDING_CREDITS_LARGE_JOB", "-1"}});
  CreditPolicy::FromEnv(bad);
  CHECK(bad.Check().code() == StatusCode::kInvalidArgument);
}

}  // namespace market::bidding
