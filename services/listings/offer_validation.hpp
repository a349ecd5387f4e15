// The rules of an offer's fields and of a purchase request. Failures are one invalid_argument
// naming every bad field (offer.title, offer.price.minor_units, idempotency_key, ...).
//
//   MARKET_ASSIGN_OR_RETURN(const OfferFields fields, ValidateOfferFields(request.offer()));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

inline constexpr std::size_t kMaxOfferTitleLength = 120;
inline constexpr std::size_t kMaxOfferDescriptionLength = 5000;
inline constexpr std::size_t kMaxOfferSkills = 15;
// As a job's fixed budget (job_validation.hpp), for the same reason.
inline constexpr std::int64_t kMaxOfferPriceMajorUnits = 1'000'000'000;
inline constexpr int kMaxDeliveryDays = 365;
inline constexpr int kMaxRevisions = 20;
inline constexpr std::size_t kMaxIdempotencyKeyLength = 100;

struct OfferFields {
  std::string title;
  std::string description;
  std::string price_currency;
  std::int64_t price_minor_units = 0;
  int delivery_days = 0;
  int revisions_included = 0;
  std::vector<std::string> skills;
};

StatusOr<OfferFields> ValidateOfferFields(const v1::OfferFields& offer);

// An offer id from a request: invalid_argument "offer_id: ..." unless a UUID.
Status ValidateOfferId(std::string_view offer_id);

struct PurchaseRequest {
  std::string offer_id;
  std::string expected_price_currency;
  std::int64_t expected_price_minor_units = 0;
  std::string idempotency_key;
};

StatusOr<PurchaseRequest> ValidatePurchase(const v1::BuyOfferRequest& request);

}  // namespace market::listings
