// The rules a freelancer profile and a portfolio item must meet. A failure is one
// invalid_argument naming every bad field: its message is each field's name and the rule it
// breaks, joined with "; ", and a google.rpc.BadRequest detail lists the same violations. Each
// success is the input normalised, ready to be stored:
//
//   auto fields = ValidateProfile(request);
//   if (!fields.ok()) return fields.status();   // "skills[2]: must be at most 40 characters"
//   Store(fields->skills);                       // {"go", "postgresql", "machine learning"}
//
// Text lengths count Unicode code points, so a limit means what a user sees. Violations are
// listed in field order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "field_rules.hpp"
#include "market/common/statusor.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

inline constexpr std::size_t kMaxHeadlineLength = 120;
inline constexpr std::size_t kMaxOverviewLength = 5000;
inline constexpr std::size_t kMaxSkills = 30;
inline constexpr std::size_t kMaxLanguages = 10;
inline constexpr std::size_t kMaxTimezoneLength = 64;
inline constexpr std::int64_t kMinHourlyRateMajorUnits = 1;
inline constexpr std::int64_t kMaxHourlyRateMajorUnits = 1'000'000;
inline constexpr int kMinWeeklyAvailabilityHours = 1;
inline constexpr int kMaxWeeklyAvailabilityHours = 80;
inline constexpr std::size_t kMaxPortfolioTitleLength = 120;
inline constexpr std::size_t kMaxPortfolioDescriptionLength = 2000;
inline constexpr std::size_t kMaxPortfolioUrlLength = 500;
inline constexpr std::size_t kMaxPortfolioItems = 20;

// A profile's own fields as validated and normalised (everything the caller may write).
struct ProfileFields {
  std::string headline;
  std::string overview;
  std::vector<std::string> skills;
  std::vector<std::string> languages;
  std::string timezone;
  std::string hourly_rate_currency;
  std::int64_t hourly_rate_minor_units = 0;
  int weekly_availability_hours = 0;
};

struct PortfolioItemFields {
  std::string title;
  std::string description;
  std::string url;
};

// Checks every field of UpsertMyProfileRequest, expected_version included.
StatusOr<ProfileFields> ValidateProfile(const v1::UpsertMyProfileRequest& request);

// invalid_argument when negative; 0 means "write unconditionally".
Status ValidateExpectedVersion(std::int64_t expected_version);

StatusOr<PortfolioItemFields> ValidatePortfolioItem(const v1::AddPortfolioItemRequest& request);

// The IANA tz name format: [A-Za-z_]+(/[A-Za-z0-9_+-]+)*, 1 to 64 characters ("UTC",
// "Europe/Berlin", "Etc/GMT+5"). The tz database itself is not consulted.
bool IsTimezoneName(std::string_view name);

// An absolute http(s) URL: scheme "http" or "https" (any case), "://", a host name or IPv4
// address with an optional port, then an optional path, query and fragment of printable ASCII
// without spaces. No user name or password, which phishing links use to disguise the host.
bool IsHttpUrl(std::string_view url);

}  // namespace market::listings
