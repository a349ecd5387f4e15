#include "contract_terms.hpp"

#include <chrono>

#include "escrow_proto.hpp"
#include "market/common/ids.hpp"
#include "market/common/text.hpp"
#include "market/events/outbox.hpp"
#include "market/money/country.hpp"
#include "market/money/money.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

Status ValidateWindow(std::int64_t seconds, std::string_view field) {
  if (seconds < 0 || seconds > kMaxWindowSeconds) {
    return InvalidArgumentError(std::string(field) +
                                ": must be 1 second to 90 days (7776000), or 0 for the default");
  }
  return OkStatus();
}

std::int64_t PowerOfTen(int exponent) {
  std::int64_t power = 1;
  for (int i = 0; i < exponent; ++i) power *= 10;
  return power;
}

// "YYYY-MM-DD" naming a day of the proleptic Gregorian calendar.
bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  int part = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) {
      ++part;
      continue;
    }
    if (text[i] < '0' || text[i] > '9') return false;
    parts[part] = parts[part] * 10 + (text[i] - '0');
  }
  const std::chrono::year_month_day day{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  return parts[0] >= 1 && day.ok();
}

Status ValidateMilestones(const v1::CreateContractRequest& request, NewContract& contract) {
  ContractRecord& t = contract.terms;
  if (request.milestones().empty() || request.milestones_size() > kMaxMilestones) {
    return InvalidArgumentError("milestones: 1 to 50 milestones");
  }
  __int128 total = 0;
  for (int i = 0; i < request.milestones_size(); ++i) {
    const std::string field = "milestones[" + std::to_string(i) + "]";
    const v1::MilestoneTerms& terms = request.milestones(i);
    MARKET_ASSIGN_OR_RETURN(std::string title,
                            ValidateText(terms.title(), field + ".title", kMaxTitleLength, false));
    MARKET_ASSIGN_OR_RETURN(const money::Money amount,
                            money::Money::FromProto(terms.amount(), field + ".amount"));
    if (i == 0) t.currency = amount.currency();
    if (amount.currency() != t.currency) {
      return InvalidArgumentError(field + ".amount.currency: every milestone must be in " +
                                  t.currency);
    }
    if (amount.minor_units() <= 0) {
      return InvalidArgumentError(field + ".amount: must be positive");
    }
    total += amount.minor_units();
    if (total > static_cast<__int128>(kMaxContractMajorUnits) * PowerOfTen(amount.exponent())) {
      return InvalidArgumentError("milestones: the total must be at most 10,000,000 " + t.currency);
    }
    contract.milestones.emplace_back(std::move(title), amount.minor_units());
  }
  return OkStatus();
}

Status ValidateHourly(const v1::HourlyContractTerms& hourly, ContractRecord& t) {
  MARKET_ASSIGN_OR_RETURN(const money::Money rate,
                          money::Money::FromProto(hourly.hourly_rate(), "hourly.hourly_rate"));
  if (rate.minor_units() <= 0 ||
      rate.minor_units() > kMaxHourlyRateMajorUnits * PowerOfTen(rate.exponent())) {
    return InvalidArgumentError("hourly.hourly_rate: must be positive and at most 10,000 " +
                                rate.currency());
  }
  if (hourly.weekly_hour_limit() < 1 || hourly.weekly_hour_limit() > kMaxWeeklyHourLimit) {
    return InvalidArgumentError("hourly.weekly_hour_limit: must be 1 to 168 hours");
  }
  if (!hourly.start_date().empty() && !IsIsoDate(hourly.start_date())) {
    return InvalidArgumentError("hourly.start_date: must be empty or a date \"YYYY-MM-DD\"");
  }
  t.kind = "hourly";
  t.currency = rate.currency();
  t.hourly_rate = rate.minor_units();
  t.weekly_hour_limit = hourly.weekly_hour_limit();
  t.start_date = hourly.start_date();
  return OkStatus();
}

}  // namespace

StatusOr<std::string> ValidateText(std::string_view value, std::string_view field,
                                   std::size_t max_length, bool multi_line) {
  const std::string name(field);
  const std::string_view trimmed = text::Trim(value);
  if (!text::IsValidUtf8(trimmed)) return InvalidArgumentError(name + ": must be valid UTF-8");
  if (trimmed.empty()) return InvalidArgumentError(name + ": must not be empty");
  if (text::CodePointCount(trimmed) > max_length) {
    return InvalidArgumentError(name + ": at most " + std::to_string(max_length) + " characters");
  }
  if (text::HasControlCharacter(trimmed, multi_line ? text::Lines::kMulti : text::Lines::kSingle)) {
    return InvalidArgumentError(name + ": must not contain control characters");
  }
  return std::string(trimmed);
}

StatusOr<NewContract> ValidateContract(const v1::CreateContractRequest& request,
                                       const PolicyDefaults& defaults) {
  NewContract contract;
  ContractRecord& t = contract.terms;
  t.source = SourceName(request.source());
  if (t.source.empty()) {
    return InvalidArgumentError(
        "source: must be CONTRACT_SOURCE_ACCEPTED_BID or "
        "CONTRACT_SOURCE_BOUGHT_OFFER");
  }
  if (!ids::IsUuid(request.source_id())) {
    return InvalidArgumentError("source_id: must be the bid's or purchase's id (UUID)");
  }
  t.source_id = request.source_id();
  MARKET_ASSIGN_OR_RETURN(t.title, ValidateText(request.title(), "title", kMaxTitleLength, false));
  if (!ids::IsUuid(request.client_id())) {
    return InvalidArgumentError("client_id: must be an account id (UUID)");
  }
  if (!ids::IsUuid(request.freelancer_id())) {
    return InvalidArgumentError("freelancer_id: must be an account id (UUID)");
  }
  if (request.client_id() == request.freelancer_id()) {
    return InvalidArgumentError("freelancer_id: must differ from client_id");
  }
  t.client_id = request.client_id();
  t.freelancer_id = request.freelancer_id();
  if (!money::IsCountryCode(request.client_country())) {
    return InvalidArgumentError("client_country: must be an ISO 3166-1 alpha-2 code");
  }
  if (!money::IsCountryCode(request.freelancer_country())) {
    return InvalidArgumentError("freelancer_country: must be an ISO 3166-1 alpha-2 code");
  }
  t.client_country = request.client_country();
  t.freelancer_country = request.freelancer_country();

  if (request.has_hourly()) {
    if (!request.milestones().empty()) {
      return InvalidArgumentError("milestones: must be empty for an hourly contract");
    }
    MARKET_RETURN_IF_ERROR(ValidateHourly(request.hourly(), t));
  } else {
    MARKET_RETURN_IF_ERROR(ValidateMilestones(request, contract));
  }
  if (!money::FindCurrency(request.payout_currency())) {
    return InvalidArgumentError(
        "payout_currency: must be an ISO 4217 code from the currency "
        "table");
  }
  t.payout_currency = request.payout_currency();

  const v1::ContractPolicy& policy = request.policy();
  MARKET_RETURN_IF_ERROR(
      ValidateWindow(policy.review_window_seconds(), "policy.review_window_seconds"));
  MARKET_RETURN_IF_ERROR(ValidateWindow(policy.dispute_response_window_seconds(),
                                        "policy.dispute_response_window_seconds"));
  MARKET_RETURN_IF_ERROR(ValidateWindow(policy.invoice_review_window_seconds(),
                                        "policy.invoice_review_window_seconds"));
  t.review_window_seconds = policy.review_window_seconds() > 0 ? policy.review_window_seconds()
                                                               : defaults.review_window_seconds;
  t.dispute_response_window_seconds = policy.dispute_response_window_seconds() > 0
                                          ? policy.dispute_response_window_seconds()
                                          : kDefaultDisputeResponseWindowSeconds;
  t.invoice_review_window_seconds = policy.invoice_review_window_seconds() > 0
                                        ? policy.invoice_review_window_seconds()
                                        : defaults.invoice_review_window_seconds;
  t.freelancer_fee_bps = policy.has_freelancer_fee_basis_points()
                             ? policy.freelancer_fee_basis_points().value()
                             : kDefaultFreelancerFeeBasisPoints;
  if (t.freelancer_fee_bps < 0 || t.freelancer_fee_bps > kMaxFreelancerFeeBasisPoints) {
    return InvalidArgumentError("policy.freelancer_fee_basis_points: must be 0 to 5000");
  }
  return contract;
}

StatusOr<std::pair<ContractRecord, bool>> CreateContract(pqxx::work& tx, NewContract terms) {
  ContractRecord& t = terms.terms;
  if (t.currency == t.payout_currency) {
    t.fx_rate = "1";
    t.fx_quoted_at_micros = 0;  // the epoch: a rate of one needs no quote
  } else {
    const std::optional<FxRateRecord> rate = FindFxRate(tx, t.currency, t.payout_currency);
    if (!rate) {
      return FailedPreconditionError("payout_currency: escrow holds no FX rate from " + t.currency +
                                     " to " + t.payout_currency +
                                     "; an operator loads one with LoadFxRates");
    }
    t.fx_rate = rate->rate;
    t.fx_quoted_at_micros = rate->quoted_at_micros;
  }
  if (t.kind == "hourly" && !t.start_date.empty()) {
    const bool in_range = tx.exec_params1(
                                "SELECT $1::date BETWEEN (now() AT TIME ZONE 'UTC')::date"
                                " AND (now() AT TIME ZONE 'UTC')::date + $2::integer AS in_range",
                                t.start_date, kMaxStartDaysAhead)["in_range"]
                              .as<bool>();
    if (!in_range) {
      return InvalidArgumentError(
          "hourly.start_date: must be from today (UTC) to 365 days after it");
    }
  }
  auto [contract, created] = InsertContract(tx, terms);
  if (created) {
    v1::ContractCreated event;
    ToProto(contract, *event.mutable_contract());
    MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract.id, event));
  }
  return std::pair<ContractRecord, bool>{std::move(contract), created};
}

v1::CreateContractRequest FromBidAccepted(const market::bidding::v1::BidAccepted& event) {
  v1::CreateContractRequest request;
  request.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
  request.set_source_id(event.bid_id());
  request.set_title(event.job_title());
  request.set_client_id(event.client_id());
  request.set_client_country(event.client_country());
  request.set_freelancer_id(event.freelancer_id());
  request.set_freelancer_country(event.freelancer_country());
  request.set_payout_currency(event.freelancer_payout_currency());
  if (event.has_hourly()) {
    // No start date in the event: the contract starts on the day escrow creates it.
    v1::HourlyContractTerms& hourly = *request.mutable_hourly();
    *hourly.mutable_hourly_rate() = event.hourly().hourly_rate();
    hourly.set_weekly_hour_limit(event.hourly().weekly_hour_limit());
    return request;
  }
  for (const auto& proposed : event.fixed_price().milestones()) {
    v1::MilestoneTerms& milestone = *request.add_milestones();
    milestone.set_title(proposed.title());
    *milestone.mutable_amount() = proposed.amount();
  }
  return request;
}

v1::CreateContractRequest FromOfferBought(const market::listings::v1::OfferBought& event) {
  v1::CreateContractRequest request;
  request.set_source(v1::CONTRACT_SOURCE_BOUGHT_OFFER);
  request.set_source_id(event.purchase_id());
  request.set_title(event.title());
  request.set_client_id(event.client_id());
  request.set_client_country(event.client_country());
  request.set_freelancer_id(event.freelancer_id());
  request.set_freelancer_country(event.freelancer_country());
  request.set_payout_currency(event.freelancer_payout_currency());
  v1::MilestoneTerms& milestone = *request.add_milestones();
  milestone.set_title(event.title());
  *milestone.mutable_amount() = event.price();
  return request;
}

}  // namespace market::escrow
