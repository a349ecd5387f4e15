// The rules a job's fields must meet when a client posts or updates it. A failure is one
// invalid_argument naming every bad field ("title: must not be empty; budget: is required"),
// with a google.rpc.BadRequest listing the same violations; a success is the fields normalised
// and ready to store:
//
//   MARKET_ASSIGN_OR_RETURN(const JobFields fields,
//                           ValidateJobFields(request.job(), std::chrono::system_clock::now()));
//
// Field names are those of the request message (job.title, job.budget.hourly_rate.min, ...).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

inline constexpr std::size_t kMaxJobTitleLength = 150;
inline constexpr std::size_t kMaxJobDescriptionLength = 10000;
inline constexpr std::size_t kMaxJobSkills = 15;
inline constexpr std::size_t kMaxJobCountries = 50;
inline constexpr std::size_t kMaxJobLanguages = 10;
// Limits in major units must hold in every currency, from KWD (1 KWD is about 3 USD) to VND
// and IDR (1 USD is about 24,000 and 15,600 units): a USD 40,000 job is VND 972,000,000.
inline constexpr std::int64_t kMaxFixedBudgetMajorUnits = 1'000'000'000;
inline constexpr std::int64_t kMaxHourlyBudgetMajorUnits = 100'000'000;
inline constexpr std::chrono::hours kMinBidWindow{1};
inline constexpr std::chrono::hours kMaxBidWindow{24 * 90};
inline constexpr std::size_t kMaxInvitesPerCall = 50;
inline constexpr std::size_t kMaxInvitesPerJob = 200;

enum class BudgetKind { kFixed, kHourly };

// A job's own fields as validated and normalised.
struct JobFields {
  std::string title;
  std::string description;
  std::vector<std::string> skills;
  BudgetKind budget_kind = BudgetKind::kFixed;
  std::string currency;
  // A fixed price has min == max.
  std::int64_t budget_min_minor_units = 0;
  std::int64_t budget_max_minor_units = 0;
  v1::JobDuration expected_duration = v1::JOB_DURATION_UNSPECIFIED;
  std::vector<std::string> allowed_countries;
  std::vector<std::string> allowed_languages;
  v1::JobVisibility visibility = v1::JOB_VISIBILITY_UNSPECIFIED;
  std::int64_t bid_deadline_unix_micros = 0;
};

// Checks every field of `job`; `now` anchors the bid deadline's window.
StatusOr<JobFields> ValidateJobFields(const v1::JobFields& job,
                                      std::chrono::system_clock::time_point now);

// A job id from a request: invalid_argument "job_id: ..." unless a UUID.
Status ValidateJobId(std::string_view job_id);

// 1 to kMaxInvitesPerCall distinct UUIDs, in the order given.
StatusOr<std::vector<std::string>> ValidateInvitees(const v1::InviteToJobRequest& request);

// The text forms stored in the jobs table.
std::string_view BudgetKindName(BudgetKind kind);
std::string_view VisibilityName(v1::JobVisibility visibility);
v1::JobVisibility VisibilityFromName(std::string_view name);
std::string_view StatusName(v1::JobStatus status);
v1::JobStatus StatusFromName(std::string_view name);

}  // namespace market::listings
