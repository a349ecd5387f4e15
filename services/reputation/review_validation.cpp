#include "review_validation.hpp"

#include <string>

#include "market/common/text.hpp"

namespace market::reputation {
namespace {

Status CheckSubScore(int value, std::string_view field, bool applies, std::string_view why) {
  if (!applies) {
    if (value != 0) {
      return InvalidArgumentError("ratings." + std::string(field) + ": must be 0 in " +
                                  std::string(why));
    }
    return OkStatus();
  }
  if (value < 0 || value > 5) {
    return InvalidArgumentError("ratings." + std::string(field) +
                                ": must be 1 to 5, or 0 when not rated");
  }
  return OkStatus();
}

StatusOr<std::string> CheckText(std::string_view text, std::string_view field,
                                std::size_t max_length, bool required) {
  if (!text::IsValidUtf8(text)) {
    return InvalidArgumentError(std::string(field) + ": must be valid UTF-8");
  }
  const std::string_view trimmed = text::Trim(text);
  if (required && trimmed.empty()) {
    return InvalidArgumentError(std::string(field) + ": must not be empty");
  }
  if (text::CodePointCount(trimmed) > max_length) {
    return InvalidArgumentError(std::string(field) + ": at most " + std::to_string(max_length) +
                                " characters");
  }
  if (text::HasControlCharacter(trimmed, text::Lines::kMulti)) {
    return InvalidArgumentError(std::string(field) +
                                ": must not contain control characters other than line breaks "
                                "and tabs");
  }
  return std::string(trimmed);
}

}  // namespace

Status ValidateRatings(const v1::Ratings& ratings, v1::Direction direction) {
  if (ratings.overall() < 1 || ratings.overall() > 5) {
    return InvalidArgumentError("ratings.overall: must be 1 to 5");
  }
  const bool of_freelancer = direction == v1::DIRECTION_OF_FREELANCER;
  const std::string_view why = of_freelancer ? "a review of a freelancer" : "a review of a client";
  MARKET_RETURN_IF_ERROR(CheckSubScore(ratings.quality(), "quality", of_freelancer, why));
  MARKET_RETURN_IF_ERROR(CheckSubScore(ratings.communication(), "communication", true, why));
  MARKET_RETURN_IF_ERROR(CheckSubScore(ratings.deadlines(), "deadlines", of_freelancer, why));
  MARKET_RETURN_IF_ERROR(CheckSubScore(ratings.clarity(), "clarity", !of_freelancer, why));
  MARKET_RETURN_IF_ERROR(
      CheckSubScore(ratings.payment_promptness(), "payment_promptness", !of_freelancer, why));
  return OkStatus();
}

StatusOr<std::string> ValidateComment(std::string_view comment) {
  return CheckText(comment, "comment", kMaxCommentLength, false);
}

StatusOr<std::string> ValidateRequiredText(std::string_view text, std::string_view field,
                                           std::size_t max_length) {
  return CheckText(text, field, max_length, true);
}

}  // namespace market::reputation
