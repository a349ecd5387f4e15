// Hourly contracts through the Connect API: creation with their terms, and the client pausing,
// resuming and either party ending them.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <functional>

#include "escrow_itest_support.hpp"
#include "market/connect/error_details.hpp"

namespace market::escrow::itest {
namespace {

std::string ReasonOf(const Status& status) {
  const auto reason = connect::ErrorInfoOf(status);
  return reason ? reason->reason : "";
}

template <typename T>
std::string MessageOf(const StatusOr<T>& result) {
  return std::string(result.status().message());
}

TEST_CASE("an hourly contract keeps its terms and is created once per source", "[escrow][hourly]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  v1::CreateContractRequest request = Escrow::HourlyRequest(client, freelancer, "USD", 4550, 25);
  const auto first = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
  REQUIRE(first.ok());
  CHECK(first->created());
  const v1::Contract& contract = first->contract();
  CHECK(contract.currency() == "USD");
  CHECK(contract.milestones().empty());
  CHECK(contract.state() == v1::CONTRACT_STATE_ACTIVE);
  CHECK(contract.hourly().hourly_rate().minor_units() == 4550);
  CHECK(contract.hourly().weekly_hour_limit() == 25);
  CHECK(contract.hourly().start_date().size() == 10);  // the creation day, UTC

  const auto again = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
  REQUIRE(again.ok());
  CHECK_FALSE(again->created());
  CHECK(again->contract().id() == contract.id());
  CHECK(escrow.Get(freelancer, contract.id()).hourly().weekly_hour_limit() == 25);
  CHECK(escrow.OutboxCounts()["ContractCreated"] == 1);

  SECTION("a start date in the coming year is kept; one beyond it is refused") {
    const std::chrono::year_month_day tomorrow{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
        std::chrono::days{1}};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(tomorrow.year()),
                  static_cast<unsigned>(tomorrow.month()), static_cast<unsigned>(tomorrow.day()));
    request.set_source_id(NewId());
    request.mutable_hourly()->set_start_date(text);
    const auto later = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
    REQUIRE(later.ok());
    CHECK(later->contract().hourly().start_date() == text);

    request.set_source_id(NewId());
    request.mutable_hourly()->set_start_date("2099-01-05");
    const auto too_late = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
    CHECK(CodeOf(too_late) == StatusCode::kInvalidArgument);
    CHECK(MessageOf(too_late).rfind("hourly.start_date: ", 0) == 0);
  }
}

TEST_CASE("hourly terms are refused naming the field and the rule", "[escrow][hourly]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const auto refused = [&](const std::function<void(v1::CreateContractRequest&)>& change) {
    v1::CreateContractRequest request = Escrow::HourlyRequest(client, freelancer, "USD", 5000, 10);
    change(request);
    const auto created = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
    CHECK(CodeOf(created) == StatusCode::kInvalidArgument);
    return MessageOf(created);
  };
  CHECK(refused([](auto& r) {
          *r.mutable_hourly()->mutable_hourly_rate() = M("USD", 0);
        }).rfind("hourly.hourly_rate: ", 0) == 0);
  CHECK(refused([](auto& r) {
          *r.mutable_hourly()->mutable_hourly_rate() = M("USD", 1000001);
        }).rfind("hourly.hourly_rate: ", 0) == 0);
  CHECK(refused([](auto& r) {
          r.mutable_hourly()->set_weekly_hour_limit(0);
        }).rfind("hourly.weekly_hour_limit: ", 0) == 0);
  CHECK(refused([](auto& r) {
          r.mutable_hourly()->set_weekly_hour_limit(169);
        }).rfind("hourly.weekly_hour_limit: ", 0) == 0);
  CHECK(refused([](auto& r) {
          r.mutable_hourly()->set_start_date("2026-02-30");
        }).rfind("hourly.start_date: ", 0) == 0);
  CHECK(refused([](auto& r) { r.mutable_hourly()->set_start_date("2001-01-01"); }) ==
        "hourly.start_date: must be from today (UTC) to 365 days after it");
  CHECK(refused([](auto& r) {
          auto& milestone = *r.add_milestones();
          milestone.set_title("Setup");
          *milestone.mutable_amount() = M("USD", 1000);
        }) == "milestones: must be empty for an hourly contract");
}

TEST_CASE("the client pauses and resumes an hourly contract; either party ends it",
          "[escrow][hourly]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewHourlyContract(client, freelancer);
  auto api = escrow.Client();
  v1::PauseContractRequest pause;
  pause.set_contract_id(contract.id());
  v1::ResumeContractRequest resume;
  resume.set_contract_id(contract.id());
  v1::EndContractRequest end;
  end.set_contract_id(contract.id());

  SECTION("only the client pauses; others learn nothing") {
    const User other_client = NewUser(auth::Role::kClient);
    CHECK(CodeOf(api.PauseContract(pause, Escrow::As(other_client.bearer))) ==
          StatusCode::kNotFound);
    CHECK(CodeOf(api.PauseContract(pause, Escrow::As(freelancer.bearer))) ==
          StatusCode::kPermissionDenied);
    v1::PauseContractRequest bad;
    bad.set_contract_id("nope");
    CHECK(MessageOf(api.PauseContract(bad, Escrow::As(client.bearer))) ==
          "contract_id: must be a contract id (UUID)");
    CHECK(escrow.Get(client, contract.id()).state() == v1::CONTRACT_STATE_ACTIVE);
  }
  SECTION("pause, resume, then the freelancer ends it for good") {
    const auto paused = api.PauseContract(pause, Escrow::As(client.bearer));
    REQUIRE(paused.ok());
    CHECK(paused->contract().state() == v1::CONTRACT_STATE_PAUSED);
    CHECK(CodeOf(api.PauseContract(pause, Escrow::As(client.bearer))) ==
          StatusCode::kFailedPrecondition);
    CHECK(CodeOf(api.ResumeContract(resume, Escrow::As(freelancer.bearer))) ==
          StatusCode::kPermissionDenied);
    const auto resumed = api.ResumeContract(resume, Escrow::As(client.bearer));
    REQUIRE(resumed.ok());
    CHECK(resumed->contract().state() == v1::CONTRACT_STATE_ACTIVE);
    CHECK(MessageOf(api.ResumeContract(resume, Escrow::As(client.bearer))) ==
          "contract_id: the contract is active; it cannot resume");

    const auto ended = api.EndContract(end, Escrow::As(freelancer.bearer));
    REQUIRE(ended.ok());
    CHECK(ended->contract().state() == v1::CONTRACT_STATE_ENDED);
    CHECK(ended->contract().ended_by() == "freelancer");
    CHECK(ended->contract().has_ended_at());
    for (const Status& status : {api.EndContract(end, Escrow::As(client.bearer)).status(),
                                 api.ResumeContract(resume, Escrow::As(client.bearer)).status(),
                                 api.PauseContract(pause, Escrow::As(client.bearer)).status()}) {
      CHECK(status.code() == StatusCode::kFailedPrecondition);
      CHECK(ReasonOf(status) == "CONTRACT_ENDED");
    }
    const auto counts = escrow.OutboxCounts();
    CHECK(counts.at("ContractPaused") == 1);
    CHECK(counts.at("ContractResumed") == 1);
    CHECK(counts.at("ContractEnded") == 1);
  }
  SECTION("the client ends a paused contract") {
    REQUIRE(api.PauseContract(pause, Escrow::As(client.bearer)).ok());
    const auto ended = api.EndContract(end, Escrow::As(client.bearer));
    REQUIRE(ended.ok());
    CHECK(ended->contract().ended_by() == "client");
    CHECK(escrow.Get(freelancer, contract.id()).state() == v1::CONTRACT_STATE_ENDED);
  }
  SECTION("fixed-price contracts neither pause nor end") {
    const v1::Contract fixed = escrow.NewContract(client, freelancer, "USD", {1000});
    pause.set_contract_id(fixed.id());
    end.set_contract_id(fixed.id());
    const auto paused = api.PauseContract(pause, Escrow::As(client.bearer));
    CHECK(CodeOf(paused) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(paused.status()) == "NOT_HOURLY");
    CHECK(ReasonOf(api.EndContract(end, Escrow::As(freelancer.bearer)).status()) == "NOT_HOURLY");
  }
}

}  // namespace
}  // namespace market::escrow::itest
