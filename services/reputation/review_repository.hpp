// SQL on reviews, replies and the moderation trail (migrations/001_reviews.sql).
#pragma once

#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "market/reputation/v1/reputation.pb.h"

namespace market::reputation {

struct NewReview {
  std::string contract_id;
  v1::Direction direction = v1::DIRECTION_UNSPECIFIED;
  std::string author_id;
  std::string subject_id;
  v1::Ratings ratings;
  std::string comment;
};

struct ReviewRecord {
  v1::Review review;
  // Visible to others now (double blind lifted, not hidden).
  bool visible = false;
  bool hidden = false;
};

// Inserts the review and counts it on its contract; nullopt when this direction of the contract
// already has one. The contract's row must be locked (LockContractForReview).
std::optional<ReviewRecord> InsertReview(pqxx::work& tx, const NewReview& review);

// The review locked for update, or nullopt.
std::optional<ReviewRecord> LockReview(pqxx::work& tx, const std::string& review_id);

// Stores the reply; false when the review already has one.
bool InsertReply(pqxx::work& tx, const std::string& review_id, const std::string& text);

// Hides the review and appends to the moderation trail; false when it was already hidden.
bool MarkReviewHidden(pqxx::work& tx, const std::string& review_id, const std::string& operator_id,
                      const std::string& reason);

// A page of `subject_id`'s visible reviews, newest first, after the keyset position
// (created_at, id) when given. `direction` DIRECTION_UNSPECIFIED means both.
struct ReviewCursor {
  std::int64_t created_at_micros = 0;
  std::string id;
};
std::vector<v1::Review> ListVisibleReviews(pqxx::work& tx, const std::string& subject_id,
                                           v1::Direction direction,
                                           const std::optional<ReviewCursor>& after, int limit);

// The cursor of a listed review (for the next page token).
ReviewCursor CursorOf(const v1::Review& review);

}  // namespace market::reputation
