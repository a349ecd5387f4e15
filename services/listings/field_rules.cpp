#include "field_rules.hpp"

#include <algorithm>

#include "language_codes.hpp"
#include "market/common/text.hpp"

namespace market::listings {

Status FieldError(std::string_view field, std::string_view rule) {
  return InvalidArgumentError(std::string(field) + ": " + std::string(rule));
}

std::string Indexed(std::string_view field, int index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

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

std::vector<std::string> CheckSkills(const google::protobuf::RepeatedPtrField<std::string>& skills,
                                     std::string_view field, std::size_t max_skills,
                                     connect::FieldViolations& violations) {
  if (skills.empty()) {
    violations.Add(std::string(field), "must list at least one skill");
    return {};
  }
  if (static_cast<std::size_t>(skills.size()) > max_skills) {
    violations.Add(std::string(field),
                   "must list at most " + std::to_string(max_skills) + " skills");
    return {};
  }
  std::vector<std::string> normalised;
  for (int i = 0; i < skills.size(); ++i) {
    std::string name = Indexed(field, i);
    // Line breaks and tabs are white space that normalising turns into single spaces.
    if (!text::IsValidUtf8(skills[i])) {
      violations.Add(std::move(name), "must be valid UTF-8 text");
      continue;
    }
    if (text::HasControlCharacter(skills[i], text::Lines::kMulti)) {
      violations.Add(std::move(name), "must not contain control characters");
      continue;
    }
    std::string skill = NormaliseSkill(skills[i]);
    if (skill.empty()) {
      violations.Add(std::move(name), "must not be empty");
    } else if (text::CodePointCount(skill) > kMaxSkillLength) {
      violations.Add(std::move(name),
                     "must be at most " + std::to_string(kMaxSkillLength) + " characters");
    } else if (std::find(normalised.begin(), normalised.end(), skill) != normalised.end()) {
      violations.Add(std::move(name), "\"" + skill + "\" is listed more than once");
    } else {
      normalised.push_back(std::move(skill));
    }
  }
  return normalised;
}

std::vector<std::string> CheckLanguages(
    const google::protobuf::RepeatedPtrField<std::string>& languages, std::string_view field,
    std::size_t max_languages, connect::FieldViolations& violations) {
  if (static_cast<std::size_t>(languages.size()) > max_languages) {
    violations.Add(std::string(field),
                   "must list at most " + std::to_string(max_languages) + " languages");
    return {};
  }
  std::vector<std::string> normalised;
  for (int i = 0; i < languages.size(); ++i) {
    std::string name = Indexed(field, i);
    std::string code = text::ToLowerAscii(text::Trim(languages[i]));
    if (!IsLanguageCode(code)) {
      violations.Add(std::move(name), "must be an ISO 639-1 language code such as \"en\"");
    } else if (std::find(normalised.begin(), normalised.end(), code) != normalised.end()) {
      violations.Add(std::move(name), "\"" + code + "\" is listed more than once");
    } else {
      normalised.push_back(std::move(code));
    }
  }
  return normalised;
}

std::string NormaliseSkill(std::string_view skill) {
  return text::ToLowerAscii(text::CollapseWhiteSpace(skill));
}

std::int64_t PowerOfTen(int exponent) {
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  return scale;
}

}  // namespace market::listings
