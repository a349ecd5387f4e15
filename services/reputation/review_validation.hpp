// The rules for what a review, a reply and a moderation reason may hold (reputation.proto),
// checked before any database work. Each failure is invalid_argument naming the field.
//
//   MARKET_RETURN_IF_ERROR(ValidateRatings(request.ratings(), v1::DIRECTION_OF_FREELANCER));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "market/common/status.hpp"
#include "market/common/statusor.hpp"
#include "market/reputation/v1/reputation.pb.h"

namespace market::reputation {

inline constexpr std::size_t kMaxCommentLength = 5000;
inline constexpr std::size_t kMaxReplyLength = 2000;
inline constexpr std::size_t kMaxHideReasonLength = 1000;

// overall 1 to 5; the direction's sub-scores 0 (not rated) or 1 to 5, the others 0. A review of
// a freelancer rates quality, communication and deadlines; of a client communication, clarity
// and payment_promptness.
Status ValidateRatings(const v1::Ratings& ratings, v1::Direction direction);

// The comment trimmed: at most kMaxCommentLength characters, may be empty, line breaks allowed.
StatusOr<std::string> ValidateComment(std::string_view comment);

// Required text, trimmed: 1 to `max_length` characters, line breaks allowed.
StatusOr<std::string> ValidateRequiredText(std::string_view text, std::string_view field,
                                           std::size_t max_length);

}  // namespace market::reputation
