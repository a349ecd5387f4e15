#include "offer_validation.hpp"

#include <algorithm>

#include "field_rules.hpp"
#include "market/common/ids.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/money.hpp"

namespace market::listings {

StatusOr<OfferFields> ValidateOfferFields(const v1::OfferFields& offer) {
  connect::FieldViolations violations;
  OfferFields fields;
  fields.title = violations.Take(CheckText(offer.title(), "offer.title",
                                           {.max_length = kMaxOfferTitleLength, .required = true}));
  fields.description = violations.Take(
      CheckText(offer.description(), "offer.description",
                {.max_length = kMaxOfferDescriptionLength, .required = true, .multi_line = true}));
  if (!offer.has_price()) {
    violations.Add("offer.price", "is required");
  } else if (auto price = money::Money::FromProto(offer.price(), "offer.price"); !price.ok()) {
    violations.Add(price.status());
  } else {
    const std::int64_t scale = PowerOfTen(price->exponent());
    if (price->minor_units() < scale || price->minor_units() > kMaxOfferPriceMajorUnits * scale) {
      violations.Add("offer.price.minor_units",
                     "must be between 1 and " + std::to_string(kMaxOfferPriceMajorUnits) + " " +
                         price->currency() + ", i.e. " + std::to_string(scale) + " to " +
                         std::to_string(kMaxOfferPriceMajorUnits * scale) + " minor units");
    }
    fields.price_currency = price->currency();
    fields.price_minor_units = price->minor_units();
  }
  if (offer.delivery_days() < 1 || offer.delivery_days() > kMaxDeliveryDays) {
    violations.Add("offer.delivery_days",
                   "must be between 1 and " + std::to_string(kMaxDeliveryDays));
  }
  fields.delivery_days = offer.delivery_days();
  if (offer.revisions_included() < 0 || offer.revisions_included() > kMaxRevisions) {
    violations.Add("offer.revisions_included",
                   "must be between 0 and " + std::to_string(kMaxRevisions));
  }
  fields.revisions_included = offer.revisions_included();
  fields.skills = CheckSkills(offer.skills(), "offer.skills", kMaxOfferSkills, violations);
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return fields;
}

Status ValidateOfferId(std::string_view offer_id) {
  if (!ids::IsUuid(offer_id)) return FieldError("offer_id", "must be an offer id (UUID)");
  return OkStatus();
}

StatusOr<PurchaseRequest> ValidatePurchase(const v1::BuyOfferRequest& request) {
  connect::FieldViolations violations;
  violations.Add(ValidateOfferId(request.offer_id()));
  PurchaseRequest purchase;
  purchase.offer_id = request.offer_id();
  if (!request.has_expected_price()) {
    violations.Add("expected_price", "is required: the price you agree to pay");
  } else if (auto price = money::Money::FromProto(request.expected_price(), "expected_price");
             !price.ok()) {
    violations.Add(price.status());
  } else {
    purchase.expected_price_currency = price->currency();
    purchase.expected_price_minor_units = price->minor_units();
  }
  const std::string& key = request.idempotency_key();
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; })) {
    violations.Add("idempotency_key", "must be 1 to " + std::to_string(kMaxIdempotencyKeyLength) +
                                          " printable ASCII characters without spaces");
  }
  purchase.idempotency_key = key;
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return purchase;
}

}  // namespace market::listings
