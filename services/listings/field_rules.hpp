// Checks shared by the validators of profiles, jobs and offers: trimmed text with a length
// limit, skill lists and language lists. Each records what is wrong under the field's name, so
// a validator can report every bad field in one invalid_argument:
//
//   connect::FieldViolations violations;
//   fields.title = violations.Take(CheckText(request.title(), "title",
//                                            {.max_length = 150, .required = true}));
//   fields.skills = CheckSkills(request.skills(), "skills", 15, violations);
//   MARKET_RETURN_IF_ERROR(violations.ToStatus());
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "market/common/statusor.hpp"
#include "market/connect/error_details.hpp"

namespace market::listings {

inline constexpr std::size_t kMaxSkillLength = 40;

// invalid_argument "<field>: <rule>".
Status FieldError(std::string_view field, std::string_view rule);

// "skills[2]".
std::string Indexed(std::string_view field, int index);

struct TextRule {
  std::size_t max_length;
  bool required = false;
  // Line breaks and tabs allowed.
  bool multi_line = false;
};

// The trimmed text, or the rule it breaks: empty when required, too long (in code points),
// invalid UTF-8, control characters.
StatusOr<std::string> CheckText(std::string_view value, std::string_view field, TextRule rule);

// 1 to `max_skills` distinct skills of 1 to kMaxSkillLength characters, normalised
// (NormaliseSkill); each bad one is recorded under its index and left out.
std::vector<std::string> CheckSkills(const google::protobuf::RepeatedPtrField<std::string>& skills,
                                     std::string_view field, std::size_t max_skills,
                                     connect::FieldViolations& violations);

// At most `max_languages` distinct ISO 639-1 codes, lower-cased; each bad one is recorded under
// its index and left out.
std::vector<std::string> CheckLanguages(
    const google::protobuf::RepeatedPtrField<std::string>& languages, std::string_view field,
    std::size_t max_languages, connect::FieldViolations& violations);

// Trims, collapses inner white space to one space and lower-cases ASCII letters:
// "  Machine\tLearning " -> "machine learning".
std::string NormaliseSkill(std::string_view skill);

// 10^exponent, for turning whole major units into minor units.
std::int64_t PowerOfTen(int exponent);

}  // namespace market::listings
