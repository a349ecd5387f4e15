#include "score_formula.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace market::reputation {
namespace {

CountedReview Review(const std::string& id, v1::Direction direction, int overall, int weight) {
  return CountedReview{.review_id = id,
                       .contract_id = "c-" + id,
                       .direction = direction,
                       .overall = overall,
                       .weight = weight};
}

FreelancerContract Completed(const std::string& id, const std::string& client,
                             std::optional<int> rating = std::nullopt) {
  return FreelancerContract{.contract_id = id,
                            .client_id = client,
                            .ended_at_unix_micros = 1,
                            .money_moved = true,
                            .released_minor = 1000,
                            .rating = rating};
}

double SumOf(const ScoreExplanation& explained, v1::Direction direction) {
  double sum = 0;
  for (const auto& c : explained.contributions) {
    if (c.direction() == direction) sum += c.contribution();
  }
  return sum;
}

}  // namespace

TEST_CASE("a contract weighs its whole US dollars, 1 to 10000", "[reputation][unit]") {
  CHECK(ContractWeight(std::nullopt) == 1);
  CHECK(ContractWeight(0) == 1);
  CHECK(ContractWeight(99) == 1);          // under one dollar
  CHECK(ContractWeight(100) == 1);         // USD 1
  CHECK(ContractWeight(399) == 3);         // USD 3.99
  CHECK(ContractWeight(100'000) == 1000);  // USD 1000
  CHECK(ContractWeight(1'000'000) == 10000);
  CHECK(ContractWeight(100'000'000) == 10000);  // USD 1,000,000: capped
}

TEST_CASE("the rating is the Bayesian average pulled to the prior by its weight",
          "[reputation][unit]") {
  ScoreInputs inputs;
  inputs.user_id = "u";
  inputs.prior_mean_milli = 4000;
  SECTION("no reviews: the prior") {
    const auto explained = ComputeScore(inputs);
    CHECK(explained.score.rating() == 4.0);
    CHECK(explained.score.review_count() == 0);
  }
  SECTION("one USD 1000 five-star review against the prior of weight 1000") {
    inputs.reviews.push_back(Review("a", v1::DIRECTION_OF_FREELANCER, 5, 1000));
    const auto explained = ComputeScore(inputs);
    CHECK(explained.score.rating() == (1000 * 4.0 + 1000 * 5) / 2000.0);
    CHECK(explained.score.review_count() == 1);
  }
  SECTION("a hundred USD 1 one-star reviews weigh what one USD 100 one-star review weighs") {
    for (int i = 0; i < 100; ++i) {
      inputs.reviews.push_back(Review(std::to_string(i), v1::DIRECTION_OF_FREELANCER, 1, 1));
    }
    const double many = ComputeScore(inputs).score.rating();
    inputs.reviews.clear();
    inputs.reviews.push_back(Review("one", v1::DIRECTION_OF_FREELANCER, 1, 100));
    CHECK(ComputeScore(inputs).score.rating() == many);
    CHECK(many == Approx((1000 * 4.0 + 100 * 1) / 1100.0));
  }
  SECTION("reviews of the user as a client count only towards the client rating") {
    inputs.reviews.push_back(Review("a", v1::DIRECTION_OF_CLIENT, 1, 1000));
    const auto explained = ComputeScore(inputs);
    CHECK(explained.score.rating() == 4.0);
    CHECK(explained.score.client_review_count() == 1);
    CHECK(explained.score.client_rating() == (1000 * 4.5 + 1000 * 1) / 2000.0);
  }
}

TEST_CASE("each direction's contributions sum to its rating", "[reputation][unit]") {
  ScoreInputs inputs;
  inputs.user_id = "u";
  inputs.prior_mean_milli = 4321;
  int weight = 1;
  for (int i = 0; i < 37; ++i) {
    weight = weight * 37 % kMaxContractWeight + 1;
    inputs.reviews.push_back(Review(std::to_string(i),
                                    i % 3 ? v1::DIRECTION_OF_FREELANCER : v1::DIRECTION_OF_CLIENT,
                                    i % 5 + 1, weight));
  }
  const auto explained = ComputeScore(inputs);
  CHECK(std::abs(SumOf(explained, v1::DIRECTION_OF_FREELANCER) - explained.score.rating()) < 1e-12);
  CHECK(std::abs(SumOf(explained, v1::DIRECTION_OF_CLIENT) - explained.score.client_rating()) <
        1e-12);
}

TEST_CASE("job success counts good against bad outcomes and shows with enough clients",
          "[reputation][unit]") {
  ScoreInputs inputs;
  inputs.user_id = "u";
  for (int i = 0; i < 4; ++i)
    inputs.freelancer_contracts.push_back(
        Completed("g" + std::to_string(i), "c" + std::to_string(i % 2)));
  SECTION("four outcomes from two clients: not shown") {
    const auto explained = ComputeScore(inputs);
    CHECK(explained.score.job_success_contracts() == 4);
    CHECK_FALSE(explained.score.job_success_shown());
    CHECK(explained.score.job_success_percent() == 0);
  }
  SECTION("a lost dispute, a refund and a low rating are bad; a 3 is neutral") {
    FreelancerContract lost = Completed("lost", "c2");
    lost.disputes_lost = 1;
    FreelancerContract refunded = Completed("refunded", "c3");
    refunded.released_minor = 0;
    refunded.refunded_minor = 500;
    inputs.freelancer_contracts.push_back(lost);
    inputs.freelancer_contracts.push_back(refunded);
    inputs.freelancer_contracts.push_back(Completed("low", "c4", 2));
    inputs.freelancer_contracts.push_back(Completed("middling", "c4", 3));
    const auto explained = ComputeScore(inputs);
    CHECK(explained.score.job_success_contracts() == 7);
    CHECK(explained.score.job_success_shown());
    CHECK(explained.score.job_success_percent() == 4 * 100 / 7);
    REQUIRE(explained.outcomes.size() == 8);
    CHECK(explained.outcomes[4].reason() == "dispute lost");
    CHECK(explained.outcomes[5].reason() == "refunded");
    CHECK(explained.outcomes[6].reason() == "rating 2");
    CHECK(explained.outcomes[7].kind() == "neutral");
  }
}

TEST_CASE("badges follow their documented thresholds", "[reputation][unit]") {
  ScoreInputs inputs;
  inputs.user_id = "u";
  inputs.prior_mean_milli = 4500;
  SECTION("top rated: five reviews, rating 4.5, job success 90 shown") {
    for (int i = 0; i < 5; ++i) {
      inputs.reviews.push_back(Review(std::to_string(i), v1::DIRECTION_OF_FREELANCER, 5, 1000));
      inputs.freelancer_contracts.push_back(
          Completed("k" + std::to_string(i), "c" + std::to_string(i % 3), 5));
    }
    const auto explained = ComputeScore(inputs);
    REQUIRE(explained.score.badges_size() == 1);
    CHECK(explained.score.badges(0) == "top_rated");
    SECTION("not with one lost dispute (job success 80)") {
      inputs.freelancer_contracts[0].disputes_lost = 1;
      CHECK(ComputeScore(inputs).score.badges_size() == 0);
    }
  }
  SECTION("rising talent: fewer than five reviews, rating 4.6, nothing bad") {
    inputs.reviews.push_back(Review("a", v1::DIRECTION_OF_FREELANCER, 5, 1000));
    inputs.freelancer_contracts.push_back(Completed("k", "c", 5));
    const auto explained = ComputeScore(inputs);
    REQUIRE(explained.score.badges_size() == 1);
    CHECK(explained.score.badges(0) == "rising_talent");
  }
  SECTION("reliable client: three client reviews at 4.5 and no dispute lost, sorted") {
    for (int i = 0; i < 3; ++i) {
      inputs.reviews.push_back(Review("x" + std::to_string(i), v1::DIRECTION_OF_CLIENT, 5, 1000));
    }
    inputs.reviews.push_back(Review("a", v1::DIRECTION_OF_FREELANCER, 5, 1000));
    auto explained = ComputeScore(inputs);
    REQUIRE(explained.score.badges_size() == 2);
    CHECK(explained.score.badges(0) == "reliable_client");
    CHECK(explained.score.badges(1) == "rising_talent");
    inputs.client_disputes_lost = 1;
    explained = ComputeScore(inputs);
    REQUIRE(explained.score.badges_size() == 1);
    CHECK(explained.score.badges(0) == "rising_talent");
  }
}

}  // namespace market::reputation
