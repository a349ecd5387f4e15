#include "review_validation.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace market::reputation {
namespace {

v1::Ratings Ratings(int overall, int quality, int communication, int deadlines, int clarity,
                    int payment) {
  v1::Ratings ratings;
  ratings.set_overall(overall);
  ratings.set_quality(quality);
  ratings.set_communication(communication);
  ratings.set_deadlines(deadlines);
  ratings.set_clarity(clarity);
  ratings.set_payment_promptness(payment);
  return ratings;
}

std::string MessageOf(const Status& status) { return std::string(status.message()); }

}  // namespace

TEST_CASE("ratings: overall 1 to 5 and only the direction's sub-scores", "[reputation][unit]") {
  const auto of_freelancer = v1::DIRECTION_OF_FREELANCER;
  const auto of_client = v1::DIRECTION_OF_CLIENT;
  CHECK(ValidateRatings(Ratings(5, 4, 3, 2, 0, 0), of_freelancer).ok());
  CHECK(ValidateRatings(Ratings(1, 0, 0, 0, 0, 0), of_freelancer).ok());
  CHECK(ValidateRatings(Ratings(3, 0, 4, 0, 5, 1), of_client).ok());

  struct Case {
    v1::Ratings ratings;
    v1::Direction direction;
    std::string message_start;
  };
  const Case cases[] = {
      {Ratings(0, 0, 0, 0, 0, 0), of_freelancer, "ratings.overall:"},
      {Ratings(6, 0, 0, 0, 0, 0), of_client, "ratings.overall:"},
      {Ratings(5, 6, 0, 0, 0, 0), of_freelancer, "ratings.quality:"},
      {Ratings(5, 0, -1, 0, 0, 0), of_freelancer, "ratings.communication:"},
      {Ratings(5, 0, 0, 0, 3, 0), of_freelancer, "ratings.clarity: must be 0"},
      {Ratings(5, 0, 0, 0, 0, 3), of_freelancer, "ratings.payment_promptness: must be 0"},
      {Ratings(5, 3, 0, 0, 0, 0), of_client, "ratings.quality: must be 0"},
      {Ratings(5, 0, 0, 3, 0, 0), of_client, "ratings.deadlines: must be 0"},
  };
  for (const Case& c : cases) {
    const Status status = ValidateRatings(c.ratings, c.direction);
    CAPTURE(c.message_start);
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(MessageOf(status).rfind(c.message_start, 0) == 0);
  }
}

TEST_CASE("comments and replies are bounded, trimmed text", "[reputation][unit]") {
  CHECK(ValidateComment("").ok());
  CHECK(*ValidateComment("  Great work.\nWould hire again.  ") == "Great work.\nWould hire again.");
  CHECK(ValidateComment(std::string(kMaxCommentLength, 'a')).ok());
  CHECK(MessageOf(ValidateComment(std::string(kMaxCommentLength + 1, 'a')).status()) ==
        "comment: at most 5000 characters");
  CHECK(ValidateComment("\xC3\xA9" + std::string(kMaxCommentLength - 1, 'a')).ok());  // é is one
  CHECK(ValidateComment("bad \x1b[31m").status().code() == StatusCode::kInvalidArgument);
  CHECK(ValidateComment("\xff").status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(ValidateRequiredText("   ", "text", kMaxReplyLength).status()) ==
        "text: must not be empty");
  CHECK(ValidateRequiredText(std::string(kMaxReplyLength + 1, 'b'), "text", kMaxReplyLength)
            .status()
            .code() == StatusCode::kInvalidArgument);
}

}  // namespace market::reputation
