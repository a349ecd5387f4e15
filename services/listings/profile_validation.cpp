#include "profile_validation.hpp"

#include <algorithm>

#include "field_rules.hpp"
#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/money.hpp"

namespace market::listings {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

StatusOr<std::string> CheckTimezone(std::string_view value) {
  const std::string_view name = text::Trim(value);
  if (name.empty()) return FieldError("timezone", "must not be empty");
  if (name.size() > kMaxTimezoneLength) {
    return FieldError("timezone",
                      "must be at most " + std::to_string(kMaxTimezoneLength) + " characters");
  }
  if (!IsTimezoneName(name)) {
    return FieldError("timezone", "must be an IANA time zone name such as \"Europe/Berlin\"");
  }
  return std::string(name);
}

// The rate bounds are whole major units, so they scale with the currency's exponent: USD 1.00
// is 100 minor units, JPY 1 is 1, KWD 1.000 is 1000.
Status CheckHourlyRate(const v1::UpsertMyProfileRequest& request, ProfileFields& fields) {
  if (!request.has_hourly_rate()) return FieldError("hourly_rate", "is required");
  MARKET_ASSIGN_OR_RETURN(const money::Money rate,
                          money::Money::FromProto(request.hourly_rate(), "hourly_rate"));
  const std::int64_t scale = PowerOfTen(rate.exponent());
  const std::int64_t min = kMinHourlyRateMajorUnits * scale;
  const std::int64_t max = kMaxHourlyRateMajorUnits * scale;
  if (rate.minor_units() < min || rate.minor_units() > max) {
    return FieldError("hourly_rate.minor_units",
                      "must be between " + std::to_string(kMinHourlyRateMajorUnits) + " and " +
                          std::to_string(kMaxHourlyRateMajorUnits) + " " + rate.currency() +
                          ", i.e. " + std::to_string(min) + " to " + std::to_string(max) +
                          " minor units");
  }
  fields.hourly_rate_currency = rate.currency();
  fields.hourly_rate_minor_units = rate.minor_units();
  return OkStatus();
}

// A DNS name of at least two labels, or a dotted IPv4 address (which has the same shape).
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.find('.') == std::string_view::npos) return false;
  while (true) {
    const auto dot = host.find('.');
    const std::string_view label = host.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    const bool label_ok = std::all_of(label.begin(), label.end(), [](char c) {
      return IsAsciiLetter(c) || IsDigit(c) || c == '-';
    });
    if (!label_ok) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool IsPort(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit)) {
    return false;
  }
  const int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

}  // namespace

bool IsTimezoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTimezoneLength) return false;
  bool first = true;
  while (true) {
    const auto slash = name.find('/');
    const std::string_view part = name.substr(0, slash);
    if (part.empty()) return false;
    const bool part_ok = std::all_of(part.begin(), part.end(), [first](char c) {
      if (IsAsciiLetter(c) || c == '_') return true;
      return !first && (IsDigit(c) || c == '+' || c == '-');
    });
    if (!part_ok) return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
    first = false;
  }
}

bool IsHttpUrl(std::string_view url) {
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) return false;
  const std::string scheme = text::ToLowerAscii(url.substr(0, separator));
  if (scheme != "http" && scheme != "https") return false;

  const std::string_view rest = url.substr(separator + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  const auto colon = authority.rfind(':');
  const std::string_view host = authority.substr(0, colon);
  if (colon != std::string_view::npos && !IsPort(authority.substr(colon + 1))) return false;
  if (!IsHostName(host)) return false;

  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  return std::all_of(tail.begin(), tail.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

StatusOr<ProfileFields> ValidateProfile(const v1::UpsertMyProfileRequest& request) {
  connect::FieldViolations violations;
  ProfileFields fields;
  fields.headline = violations.Take(
      CheckText(request.headline(), "headline",
                {.max_length = kMaxHeadlineLength, .required = true, .multi_line = false}));
  fields.overview = violations.Take(
      CheckText(request.overview(), "overview",
                {.max_length = kMaxOverviewLength, .required = false, .multi_line = true}));
  fields.skills = CheckSkills(request.skills(), "skills", kMaxSkills, violations);
  fields.languages = CheckLanguages(request.languages(), "languages", kMaxLanguages, violations);
  fields.timezone = violations.Take(CheckTimezone(request.timezone()));
  violations.Add(CheckHourlyRate(request, fields));
  if (request.weekly_availability_hours() < kMinWeeklyAvailabilityHours ||
      request.weekly_availability_hours() > kMaxWeeklyAvailabilityHours) {
    violations.Add("weekly_availability_hours",
                   "must be between " + std::to_string(kMinWeeklyAvailabilityHours) + " and " +
                       std::to_string(kMaxWeeklyAvailabilityHours));
  }
  fields.weekly_availability_hours = request.weekly_availability_hours();
  violations.Add(ValidateExpectedVersion(request.expected_version()));
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return fields;
}

Status ValidateExpectedVersion(std::int64_t expected_version) {
  if (expected_version < 0) return FieldError("expected_version", "must not be negative");
  return OkStatus();
}

StatusOr<PortfolioItemFields> ValidatePortfolioItem(const v1::AddPortfolioItemRequest& request) {
  connect::FieldViolations violations;
  PortfolioItemFields fields;
  fields.title = violations.Take(
      CheckText(request.title(), "title",
                {.max_length = kMaxPortfolioTitleLength, .required = true, .multi_line = false}));
  fields.description = violations.Take(CheckText(
      request.description(), "description",
      {.max_length = kMaxPortfolioDescriptionLength, .required = false, .multi_line = true}));
  const std::string_view url = text::Trim(request.url());
  if (url.empty()) {
    violations.Add("url", "must not be empty");
  } else if (url.size() > kMaxPortfolioUrlLength) {
    violations.Add("url",
                   "must be at most " + std::to_string(kMaxPortfolioUrlLength) + " characters");
  } else if (!IsHttpUrl(url)) {
    violations.Add("url",
                   "must be an absolute http:// or https:// URL such as "
                   "\"https://example.com/work\", without user name or password");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  fields.url = std::string(url);
  return fields;
}

}  // namespace market::listings
