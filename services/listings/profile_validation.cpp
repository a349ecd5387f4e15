#include "profile_validation.hpp"

#include <algorithm>

#include "language_codes.hpp"
#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/money.hpp"

namespace market::listings {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status FieldError(std::string_view field, std::string_view rule) {
  return InvalidArgumentError(std::string(field) + ": " + std::string(rule));
}

struct TextRule {
  std::size_t max_length;
  bool required;
  bool multi_line;
};

// The trimmed text, or the rule it breaks.
StatusOr<std::string> CheckText(std::string_view value, std::string_view field, TextRule rule) {
  const std::string_view trimmed = text::Trim(value);
  if (trimmed.empty()) {
    if (rule.required) return FieldError(field, "must not be empty");
    return std::string();
  }
  // Both codecs already refuse strings that are not UTF-8; checking again keeps the length
  // below honest for any other caller.
  if (!text::IsValidUtf8(trimmed)) return FieldError(field, "must be valid UTF-8 text");
  if (text::CodePointCount(trimmed) > rule.max_length) {
    return FieldError(field, "must be at most " + std::to_string(rule.max_length) + " characters");
  }
  if (text::HasControlCharacter(trimmed,
                                rule.multi_line ? text::Lines::kMulti : text::Lines::kSingle)) {
    return FieldError(field, rule.multi_line
                                 ? "must not contain control characters other than line breaks "
                                   "and tabs"
                                 : "must not contain control characters");
  }
  return std::string(trimmed);
}

std::string Indexed(std::string_view field, int index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

// The normalised skills; each bad one is recorded under its index and left out.
std::vector<std::string> CheckSkills(const google::protobuf::RepeatedPtrField<std::string>& skills,
                                     connect::FieldViolations& violations) {
  if (skills.empty()) {
    violations.Add("skills", "must list at least one skill");
    return {};
  }
  if (static_cast<std::size_t>(skills.size()) > kMaxSkills) {
    violations.Add("skills", "must list at most " + std::to_string(kMaxSkills) + " skills");
    return {};
  }
  std::vector<std::string> normalised;
  for (int i = 0; i < skills.size(); ++i) {
    std::string field = Indexed("skills", i);
    // Line breaks and tabs are white space that normalising turns into single spaces.
    if (!text::IsValidUtf8(skills[i])) {
      violations.Add(std::move(field), "must be valid UTF-8 text");
      continue;
    }
    if (text::HasControlCharacter(skills[i], text::Lines::kMulti)) {
      violations.Add(std::move(field), "must not contain control characters");
      continue;
    }
    std::string skill = NormaliseSkill(skills[i]);
    if (skill.empty()) {
      violations.Add(std::move(field), "must not be empty");
    } else if (text::CodePointCount(skill) > kMaxSkillLength) {
      violations.Add(std::move(field),
                     "must be at most " + std::to_string(kMaxSkillLength) + " characters");
    } else if (std::find(normalised.begin(), normalised.end(), skill) != normalised.end()) {
      violations.Add(std::move(field), "\"" + skill + "\" is listed more than once");
    } else {
      normalised.push_back(std::move(skill));
    }
  }
  return normalised;
}

// The normalised language codes; each bad one is recorded under its index and left out.
std::vector<std::string> CheckLanguages(
    const google::protobuf::RepeatedPtrField<std::string>& languages,
    connect::FieldViolations& violations) {
  if (static_cast<std::size_t>(languages.size()) > kMaxLanguages) {
    violations.Add("languages",
                   "must list at most " + std::to_string(kMaxLanguages) + " languages");
    return {};
  }
  std::vector<std::string> normalised;
  for (int i = 0; i < languages.size(); ++i) {
    std::string field = Indexed("languages", i);
    std::string code = text::ToLowerAscii(text::Trim(languages[i]));
    if (!IsLanguageCode(code)) {
      violations.Add(std::move(field), "must be an ISO 639-1 language code such as \"en\"");
    } else if (std::find(normalised.begin(), normalised.end(), code) != normalised.end()) {
      violations.Add(std::move(field), "\"" + code + "\" is listed more than once");
    } else {
      normalised.push_back(std::move(code));
    }
  }
  return normalised;
}

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
  std::int64_t scale = 1;
  for (int i = 0; i < rate.exponent(); ++i) scale *= 10;
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

std::string NormaliseSkill(std::string_view skill) {
  return text::ToLowerAscii(text::CollapseWhiteSpace(skill));
}

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
  fields.skills = CheckSkills(request.skills(), violations);
  fields.languages = CheckLanguages(request.languages(), violations);
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
