// Contract terms: checking a CreateContractRequest (invalid_argument naming the field and its
// rule), turning the BidAccepted and OfferBought events into one, and creating the contract with
// its locked FX rate inside the caller's transaction.
//
//   MARKET_ASSIGN_OR_RETURN(const NewContract terms, ValidateContract(request));
//   MARKET_ASSIGN_OR_RETURN(auto created, CreateContract(tx, terms));  // idempotent on the source
#pragma once

#include <string>
#include <utility>

#include <pqxx/result>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "market/bidding/v1/bidding.pb.h"
#include "market/common/statusor.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "market/listings/v1/listings.pb.h"
#include "policy_defaults.hpp"

namespace market::escrow {

inline constexpr int kMaxMilestones = 50;
inline constexpr std::size_t kMaxTitleLength = 200;
inline constexpr std::size_t kMaxTextLength = 2000;
inline constexpr std::int64_t kDefaultDisputeResponseWindowSeconds = 7 * 24 * 3600;
inline constexpr int kDefaultFreelancerFeeBasisPoints = 1000;
inline constexpr int kMaxFreelancerFeeBasisPoints = 5000;
// The largest contract total, in major units.
inline constexpr std::int64_t kMaxContractMajorUnits = 10'000'000;
// Hourly terms: the largest rate in major units, the weekly hour limit's range, and how far
// after the creation day a contract may start.
inline constexpr std::int64_t kMaxHourlyRateMajorUnits = 10'000;
inline constexpr int kMaxWeeklyHourLimit = 168;
inline constexpr int kMaxStartDaysAhead = 365;

// The checked terms with defaults filled in; fx_rate is left for CreateContract to lock.
StatusOr<NewContract> ValidateContract(const v1::CreateContractRequest& request,
                                       const PolicyDefaults& defaults = {});

// A text field trimmed, 1 to `max_length` code points, valid UTF-8, without control characters
// (line breaks allowed when `multi_line`).
StatusOr<std::string> ValidateText(std::string_view value, std::string_view field,
                                   std::size_t max_length, bool multi_line);

// Locks the current rate (currency -> payout currency) into the terms and inserts the contract,
// enqueuing ContractCreated; an existing contract from the same source is returned unchanged
// (`second` false). failed_precondition when escrow holds no rate for the pair;
// invalid_argument when an hourly contract's start date is outside its range on database time.
StatusOr<std::pair<ContractRecord, bool>> CreateContract(pqxx::work& tx, NewContract terms);

// The request the events stand for: a fixed-price bid's milestones, or an hourly bid's rate and
// weekly limit starting on the creation day.
v1::CreateContractRequest FromBidAccepted(const market::bidding::v1::BidAccepted& event);
v1::CreateContractRequest FromOfferBought(const market::listings::v1::OfferBought& event);

}  // namespace market::escrow
