#include "contract_terms.hpp"

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

StatusOr<NewContract> ValidateContract(const v1::CreateContractRequest& request) {
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
  t.review_window_seconds = policy.review_window_seconds() > 0 ? policy.review_window_seconds()
                                                               : kDefaultReviewWindowSeconds;
  t.dispute_response_window_seconds = policy.dispute_response_window_seconds() > 0
                                          ? policy.dispute_response_window_seconds()
                                          : kDefaultDisputeResponseWindowSeconds;
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
  auto [contract, created] = InsertContract(tx, terms);
  if (created) {
    v1::ContractCreated event;
    ToProto(contract, *event.mutable_contract());
    MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract.id, event));
  }
  return std::pair<ContractRecord, bool>{std::move(contract), created};
}

StatusOr<v1::CreateContractRequest> FromBidAccepted(const market::bidding::v1::BidAccepted& event) {
  if (event.has_hourly()) {
    return InvalidArgumentError("terms: hourly contracts are not supported yet");
  }
  v1::CreateContractRequest request;
  request.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
  request.set_source_id(event.bid_id());
  request.set_title(event.job_title());
  request.set_client_id(event.client_id());
  request.set_client_country(event.client_country());
  request.set_freelancer_id(event.freelancer_id());
  request.set_freelancer_country(event.freelancer_country());
  request.set_payout_currency(event.freelancer_payout_currency());
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
