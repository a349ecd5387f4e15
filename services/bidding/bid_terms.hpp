// BidTerms validation: the shape of what a freelancer offers, checked before any job is read.
// Every bad field is reported in one invalid_argument (a google.rpc.BadRequest), named by its
// path under `terms`:
//
//   MARKET_ASSIGN_OR_RETURN(const Terms terms, ValidateTerms(request.terms()));
//
// Whether the terms fit a particular job (currency, fixed or hourly) is bid_rules.hpp's job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "market/bidding/v1/bidding.pb.h"
#include "market/common/statusor.hpp"

namespace market::bidding {

// Limits, stated in the proto's field comments.
inline constexpr std::int64_t kMaxFixedPriceMajorUnits = 10'000'000;
inline constexpr std::int64_t kMaxHourlyRateMajorUnits = 1'000'000;
inline constexpr int kMaxDeliveryDays = 365;
inline constexpr int kMaxMilestones = 20;
inline constexpr std::size_t kMaxMilestoneTitleLength = 120;
inline constexpr int kMaxMilestoneDueDays = 365;
inline constexpr int kMaxWeeklyHourLimit = 80;
inline constexpr std::size_t kMaxCoverLetterLength = 5000;

struct MilestoneTerms {
  std::string title;
  std::int64_t amount_minor_units = 0;
  int due_in_days = 0;
};

struct Terms {
  // "fixed" or "hourly".
  std::string kind;
  std::string currency;
  // The fixed price or the hourly rate, in minor units of `currency`.
  std::int64_t amount_minor_units = 0;
  int delivery_days = 0;
  int weekly_hour_limit = 0;
  std::string cover_letter;
  std::vector<MilestoneTerms> milestones;
};

StatusOr<Terms> ValidateTerms(const v1::BidTerms& terms);

// The proto form of validated terms, as stored and shown.
v1::BidTerms ToProto(const Terms& terms);

}  // namespace market::bidding
