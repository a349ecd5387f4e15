#include "profile_validation.hpp"

#include <algorithm>

#include "language_codes.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/money.hpp"

namespace market::listings {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Proto3 strings arrive as valid UTF-8 (both codecs reject anything else), so counting the
// bytes that do not continue a sequence counts code points.
std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// C0 controls and DEL, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F): invisible
// characters that can disguise text. Multi-line fields may keep line breaks and tabs.
bool HasControlCharacter(std::string_view text, bool allow_line_breaks) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (allow_line_breaks && (byte == '\n' || byte == '\r' || byte == '\t')) continue;
    if (byte < 0x20 || byte == 0x7F) return true;
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

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
  const std::string_view text = Trim(value);
  if (text.empty()) {
    if (rule.required) return FieldError(field, "must not be empty");
    return std::string();
  }
  if (CodePoints(text) > rule.max_length) {
    return FieldError(field, "must be at most " + std::to_string(rule.max_length) + " characters");
  }
  if (HasControlCharacter(text, rule.multi_line)) {
    return FieldError(field, rule.multi_line
                                 ? "must not contain control characters other than line breaks "
                                   "and tabs"
                                 : "must not contain control characters");
  }
  return std::string(text);
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
    if (HasControlCharacter(skills[i], /*allow_line_breaks=*/true)) {
      violations.Add(std::move(field), "must not contain control characters");
      continue;
    }
    std::string skill = NormaliseSkill(skills[i]);
    if (skill.empty()) {
      violations.Add(std::move(field), "must not be empty");
    } else if (CodePoints(skill) > kMaxSkillLength) {
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
    std::string code(Trim(languages[i]));
    std::transform(code.begin(), code.end(), code.begin(), LowerAscii);
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
  const std::string_view name = Trim(value);
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
  std::string normalised;
  bool pending_space = false;
  for (char c : Trim(skill)) {
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) normalised += ' ';
    pending_space = false;
    normalised += LowerAscii(c);
  }
  return normalised;
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
  std::string scheme(url.substr(0, separator));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), LowerAscii);
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

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash_position ? c != '-' : !hex) return false;
  }
  return true;
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
  const std::string_view url = Trim(request.url());
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
