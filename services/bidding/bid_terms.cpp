#include "bid_terms.hpp"

#include <limits>
#include <string_view>

#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/money.hpp"

namespace market::bidding {
namespace {

std::int64_t PowerOfTen(int exponent) {
  std::int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// Trimmed text of 1 to `max_length` code points (or empty when not `required`), valid UTF-8
// without control characters (line breaks and tabs allowed when `multi_line`).
std::string CheckText(std::string_view value, const std::string& field, std::size_t max_length,
                      bool required, bool multi_line, connect::FieldViolations& violations) {
  const std::string_view trimmed = text::Trim(value);
  if (!text::IsValidUtf8(trimmed)) {
    violations.Add(field, "must be valid UTF-8");
    return {};
  }
  if (required && trimmed.empty()) {
    violations.Add(field, "must not be empty");
    return {};
  }
  if (text::CodePointCount(trimmed) > max_length) {
    violations.Add(field, "must be at most " + std::to_string(max_length) + " characters");
    return {};
  }
  if (text::HasControlCharacter(trimmed, multi_line ? text::Lines::kMulti : text::Lines::kSingle)) {
    violations.Add(field, multi_line ? "must not contain control characters other than line "
                                       "breaks and tabs"
                                     : "must not contain control characters");
    return {};
  }
  return std::string(trimmed);
}

// A positive amount of a known currency of at most `max_major` major units.
void CheckAmount(const common::v1::Money& proto, const std::string& field, std::int64_t max_major,
                 Terms& terms, connect::FieldViolations& violations) {
  StatusOr<money::Money> amount = money::Money::FromProto(proto, field);
  if (!amount.ok()) {
    violations.Add(amount.status());
    return;
  }
  const std::int64_t max_minor = max_major * PowerOfTen(amount->exponent());
  if (amount->minor_units() <= 0 || amount->minor_units() > max_minor) {
    violations.Add(field + ".minor_units", "must be positive and at most " +
                                               std::to_string(max_major) + " major units of " +
                                               amount->currency());
    return;
  }
  terms.currency = amount->currency();
  terms.amount_minor_units = amount->minor_units();
}

void CheckMilestones(const v1::BidTerms& request, Terms& terms,
                     connect::FieldViolations& violations) {
  const int count = request.milestones_size();
  if (count < 1 || count > kMaxMilestones) {
    violations.Add("terms.milestones", "a fixed-price bid proposes 1 to " +
                                           std::to_string(kMaxMilestones) + " milestones");
    return;
  }
  std::int64_t sum = 0;
  bool summable = true;
  for (int i = 0; i < count; ++i) {
    const v1::ProposedMilestone& proposed = request.milestones(i);
    const std::string field = "terms.milestones[" + std::to_string(i) + "]";
    MilestoneTerms milestone;
    milestone.title = CheckText(proposed.title(), field + ".title", kMaxMilestoneTitleLength,
                                /*required=*/true, /*multi_line=*/false, violations);
    if (terms.currency.empty()) {
      // The price itself was bad (already reported): the sum cannot be checked.
      summable = false;
    } else if (proposed.amount().currency() != terms.currency) {
      violations.Add(field + ".amount.currency", "must be the bid's currency");
      summable = false;
    } else if (proposed.amount().minor_units() <= 0) {
      violations.Add(field + ".amount.minor_units", "must be positive");
      summable = false;
    } else if (proposed.amount().minor_units() > terms.amount_minor_units - sum) {
      // Checked before adding, so the sum can never overflow.
      summable = false;
    } else {
      sum += proposed.amount().minor_units();
    }
    if (proposed.due_in_days() < 0 || proposed.due_in_days() > kMaxMilestoneDueDays) {
      violations.Add(field + ".due_in_days",
                     "must be 0 (no due date) to " + std::to_string(kMaxMilestoneDueDays));
    }
    milestone.amount_minor_units = proposed.amount().minor_units();
    milestone.due_in_days = proposed.due_in_days();
    terms.milestones.push_back(std::move(milestone));
  }
  if (terms.amount_minor_units > 0 && (!summable || sum != terms.amount_minor_units)) {
    violations.Add("terms.milestones", "the milestones' amounts must sum exactly to fixed_price");
  }
}

}  // namespace

StatusOr<Terms> ValidateTerms(const v1::BidTerms& request) {
  connect::FieldViolations violations;
  Terms terms;
  switch (request.price_case()) {
    case v1::BidTerms::kFixedPrice:
      terms.kind = "fixed";
      CheckAmount(request.fixed_price(), "terms.fixed_price", kMaxFixedPriceMajorUnits, terms,
                  violations);
      break;
    case v1::BidTerms::kHourlyRate:
      terms.kind = "hourly";
      CheckAmount(request.hourly_rate(), "terms.hourly_rate", kMaxHourlyRateMajorUnits, terms,
                  violations);
      break;
    case v1::BidTerms::PRICE_NOT_SET:
      violations.Add("terms.price", "set fixed_price or hourly_rate");
      break;
  }
  if (request.delivery_days() < 1 || request.delivery_days() > kMaxDeliveryDays) {
    violations.Add("terms.delivery_days",
                   "must be between 1 and " + std::to_string(kMaxDeliveryDays));
  }
  terms.delivery_days = request.delivery_days();
  if (terms.kind == "fixed") {
    if (request.weekly_hour_limit() != 0) {
      violations.Add("terms.weekly_hour_limit", "must be 0 for a fixed-price bid");
    }
    CheckMilestones(request, terms, violations);
  } else if (terms.kind == "hourly") {
    if (request.weekly_hour_limit() < 1 || request.weekly_hour_limit() > kMaxWeeklyHourLimit) {
      violations.Add("terms.weekly_hour_limit",
                     "must be between 1 and " + std::to_string(kMaxWeeklyHourLimit));
    }
    if (request.milestones_size() != 0) {
      violations.Add("terms.milestones", "an hourly bid proposes no milestones");
    }
  }
  terms.weekly_hour_limit = request.weekly_hour_limit();
  terms.cover_letter = CheckText(request.cover_letter(), "terms.cover_letter",
                                 kMaxCoverLetterLength, /*required=*/true,
                                 /*multi_line=*/true, violations);
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return terms;
}

v1::BidTerms ToProto(const Terms& terms) {
  v1::BidTerms proto;
  common::v1::Money& price =
      terms.kind == "hourly" ? *proto.mutable_hourly_rate() : *proto.mutable_fixed_price();
  price.set_currency(terms.currency);
  price.set_minor_units(terms.amount_minor_units);
  proto.set_delivery_days(terms.delivery_days);
  proto.set_weekly_hour_limit(terms.weekly_hour_limit);
  proto.set_cover_letter(terms.cover_letter);
  for (const MilestoneTerms& milestone : terms.milestones) {
    v1::ProposedMilestone& out = *proto.add_milestones();
    out.set_title(milestone.title);
    out.mutable_amount()->set_currency(terms.currency);
    out.mutable_amount()->set_minor_units(milestone.amount_minor_units);
    out.set_due_in_days(milestone.due_in_days);
  }
  return proto;
}

}  // namespace market::bidding
