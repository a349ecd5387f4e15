#include "review_repository.hpp"

#include <pqxx/result>

#include <string_view>

#include "market/pg/time.hpp"

namespace market::reputation {
namespace {

#define MARKET_REVIEW_COLUMNS                                                                 \
  "r.id::text AS id, r.contract_id::text AS contract_id, r.direction, "                       \
  "r.author_id::text AS author_id, r.subject_id::text AS subject_id, r.overall, r.quality, "  \
  "r.communication, r.deadlines, r.clarity, r.payment_promptness, r.comment, "                \
  "(extract(epoch FROM r.created_at) * 1000000)::bigint AS created_at_micros, r.reply_text, " \
  "(extract(epoch FROM r.replied_at) * 1000000)::bigint AS replied_at_micros, "               \
  "r.hidden_at IS NOT NULL AS hidden, "                                                       \
  "(r.hidden_at IS NULL AND (c.reviews_written = 2 OR c.review_closes_at <= now())) AS visible"

inline constexpr std::string_view kInsertReview = R"(
  WITH inserted AS (
    INSERT INTO reviews (contract_id, direction, author_id, subject_id, overall, quality,
                         communication, deadlines, clarity, payment_promptness, comment)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (contract_id, direction) DO NOTHING
    RETURNING id
  )
  UPDATE contracts SET reviews_written = reviews_written + 1
  FROM inserted WHERE contracts.id = $1
  RETURNING inserted.id::text AS id
)";

inline constexpr std::string_view kSelectReview =
    "SELECT " MARKET_REVIEW_COLUMNS
    " FROM reviews r JOIN contracts c ON c.id = r.contract_id WHERE r.id = $1 FOR UPDATE OF r";

inline constexpr std::string_view kInsertReply = R"(
  UPDATE reviews SET reply_text = $2, replied_at = now()
  WHERE id = $1 AND reply_text IS NULL
)";

inline constexpr std::string_view kHideReview = R"(
  WITH hidden AS (
    UPDATE reviews SET hidden_at = now() WHERE id = $1 AND hidden_at IS NULL RETURNING id
  )
  INSERT INTO moderation_log (review_id, operator_id, action, reason)
  SELECT id, $2, 'hide', $3 FROM hidden
)";

// Keyset: newest first by (created_at, id); the cursor's row is excluded.
inline constexpr std::string_view kListVisible =
    "SELECT " MARKET_REVIEW_COLUMNS
    " FROM reviews r JOIN contracts c ON c.id = r.contract_id"
    " WHERE r.subject_id = $1 AND ($2 = '' OR r.direction = $2)"
    "   AND r.hidden_at IS NULL AND (c.reviews_written = 2 OR c.review_closes_at <= now())"
    "   AND ($3::bigint IS NULL OR (r.created_at, r.id) <"
    "        (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid))"
    " ORDER BY r.created_at DESC, r.id DESC LIMIT $5";

#undef MARKET_REVIEW_COLUMNS

std::string DirectionToSql(v1::Direction direction) {
  switch (direction) {
    case v1::DIRECTION_OF_FREELANCER:
      return "of_freelancer";
    case v1::DIRECTION_OF_CLIENT:
      return "of_client";
    default:
      return "";
  }
}

ReviewRecord FromRow(const pqxx::row& row) {
  ReviewRecord record;
  v1::Review& review = record.review;
  review.set_id(row["id"].as<std::string>());
  review.set_contract_id(row["contract_id"].as<std::string>());
  review.set_direction(row["direction"].as<std::string>() == "of_client"
                           ? v1::DIRECTION_OF_CLIENT
                           : v1::DIRECTION_OF_FREELANCER);
  review.set_author_id(row["author_id"].as<std::string>());
  review.set_subject_id(row["subject_id"].as<std::string>());
  v1::Ratings& ratings = *review.mutable_ratings();
  ratings.set_overall(row["overall"].as<int>());
  ratings.set_quality(row["quality"].as<int>());
  ratings.set_communication(row["communication"].as<int>());
  ratings.set_deadlines(row["deadlines"].as<int>());
  ratings.set_clarity(row["clarity"].as<int>());
  ratings.set_payment_promptness(row["payment_promptness"].as<int>());
  review.set_comment(row["comment"].as<std::string>());
  *review.mutable_created_at() =
      pg::TimestampFromUnixMicros(row["created_at_micros"].as<std::int64_t>());
  if (!row["reply_text"].is_null()) {
    review.mutable_reply()->set_text(row["reply_text"].as<std::string>());
    *review.mutable_reply()->mutable_created_at() =
        pg::TimestampFromUnixMicros(row["replied_at_micros"].as<std::int64_t>());
  }
  record.hidden = row["hidden"].as<bool>();
  record.visible = row["visible"].as<bool>();
  return record;
}

}  // namespace

std::optional<ReviewRecord> InsertReview(pqxx::work& tx, const NewReview& review) {
  const v1::Ratings& r = review.ratings;
  const pqxx::result rows = tx.exec_params(
      std::string(kInsertReview), review.contract_id, DirectionToSql(review.direction),
      review.author_id, review.subject_id, r.overall(), r.quality(), r.communication(),
      r.deadlines(), r.clarity(), r.payment_promptness(), review.comment);
  if (rows.empty()) return std::nullopt;
  return LockReview(tx, rows[0]["id"].as<std::string>());
}

std::optional<ReviewRecord> LockReview(pqxx::work& tx, const std::string& review_id) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectReview), review_id);
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

bool InsertReply(pqxx::work& tx, const std::string& review_id, const std::string& text) {
  return tx.exec_params(std::string(kInsertReply), review_id, text).affected_rows() == 1;
}

bool MarkReviewHidden(pqxx::work& tx, const std::string& review_id, const std::string& operator_id,
                      const std::string& reason) {
  return tx.exec_params(std::string(kHideReview), review_id, operator_id, reason).affected_rows() ==
         1;
}

std::vector<v1::Review> ListVisibleReviews(pqxx::work& tx, const std::string& subject_id,
                                           v1::Direction direction,
                                           const std::optional<ReviewCursor>& after, int limit) {
  std::optional<std::int64_t> after_micros;
  std::optional<std::string> after_id;
  if (after) {
    after_micros = after->created_at_micros;
    after_id = after->id;
  }
  std::vector<v1::Review> reviews;
  for (const pqxx::row& row :
       tx.exec_params(std::string(kListVisible), subject_id, DirectionToSql(direction),
                      after_micros, after_id, limit)) {
    reviews.push_back(FromRow(row).review);
  }
  return reviews;
}

ReviewCursor CursorOf(const v1::Review& review) {
  return ReviewCursor{
      .created_at_micros =
          review.created_at().seconds() * 1'000'000 + review.created_at().nanos() / 1000,
      .id = review.id(),
  };
}

}  // namespace market::reputation
