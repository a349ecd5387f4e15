#include "score_formula.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "market/pg/time.hpp"

namespace market::reputation {
namespace {

// Bayesian average of one direction's reviews: (W0 * m + sum w_i * r_i) / (W0 + sum w_i), with
// the numerator in integer thousandths so that only the final division is floating point and
// the result is the same on every machine.
double RatingOf(v1::Direction direction, int prior_mean_milli,
                const std::vector<CountedReview>& reviews,
                std::vector<v1::Contribution>& contributions, int& count) {
  std::int64_t total_weight = kPriorWeight;
  count = 0;
  for (const CountedReview& review : reviews) {
    if (review.direction != direction) continue;
    total_weight += review.weight;
    ++count;
  }
  const double denominator = static_cast<double>(total_weight) * 1000.0;
  std::int64_t numerator = kPriorWeight * prior_mean_milli;
  v1::Contribution prior;
  prior.set_direction(direction);
  prior.set_rating(prior_mean_milli / 1000.0);
  prior.set_weight(kPriorWeight);
  prior.set_contribution(static_cast<double>(kPriorWeight * prior_mean_milli) / denominator);
  contributions.push_back(prior);
  for (const CountedReview& review : reviews) {
    if (review.direction != direction) continue;
    const std::int64_t term = std::int64_t{review.weight} * review.overall * 1000;
    numerator += term;
    v1::Contribution contribution;
    contribution.set_direction(direction);
    contribution.set_contract_id(review.contract_id);
    contribution.set_review_id(review.review_id);
    contribution.set_rating(review.overall);
    contribution.set_weight(review.weight);
    contribution.set_contribution(static_cast<double>(term) / denominator);
    contributions.push_back(contribution);
  }
  return static_cast<double>(numerator) / denominator;
}

v1::Outcome OutcomeOf(const FreelancerContract& contract) {
  v1::Outcome outcome;
  outcome.set_contract_id(contract.contract_id);
  outcome.set_client_id(contract.client_id);
  *outcome.mutable_ended_at() = pg::TimestampFromUnixMicros(contract.ended_at_unix_micros);
  // Bad first: a lost dispute is bad however the contract ended or was rated.
  if (contract.disputes_lost > 0) {
    outcome.set_kind("bad");
    outcome.set_reason("dispute lost");
  } else if (contract.released_minor == 0 && contract.refunded_minor > 0) {
    outcome.set_kind("bad");
    outcome.set_reason("refunded");
  } else if (contract.rating && *contract.rating <= kBadRating) {
    outcome.set_kind("bad");
    outcome.set_reason("rating " + std::to_string(*contract.rating));
  } else if (!contract.money_moved || contract.released_minor == 0) {
    outcome.set_kind("neutral");
    outcome.set_reason("no money released");
  } else if (contract.rating && *contract.rating < kGoodRating) {
    outcome.set_kind("neutral");
    outcome.set_reason("rating " + std::to_string(*contract.rating));
  } else {
    outcome.set_kind("good");
    outcome.set_reason(contract.rating ? "completed, rating " + std::to_string(*contract.rating)
                                       : "completed");
  }
  return outcome;
}

}  // namespace

int ContractWeight(std::optional<std::int64_t> value_usd_cents) {
  if (!value_usd_cents || *value_usd_cents < 100) return kMinContractWeight;
  return static_cast<int>(
      std::clamp<std::int64_t>(*value_usd_cents / 100, kMinContractWeight, kMaxContractWeight));
}

ScoreExplanation ComputeScore(const ScoreInputs& inputs) {
  ScoreExplanation explained;
  v1::Score& score = explained.score;
  score.set_user_id(inputs.user_id);
  int count = 0;
  score.set_rating(RatingOf(v1::DIRECTION_OF_FREELANCER, inputs.prior_mean_milli, inputs.reviews,
                            explained.contributions, count));
  score.set_review_count(count);
  score.set_client_rating(RatingOf(v1::DIRECTION_OF_CLIENT, inputs.client_prior_mean_milli,
                                   inputs.reviews, explained.contributions, count));
  score.set_client_review_count(count);

  int good = 0;
  int bad = 0;
  std::set<std::string> clients;
  for (const FreelancerContract& contract : inputs.freelancer_contracts) {
    v1::Outcome outcome = OutcomeOf(contract);
    if (outcome.kind() == "good") ++good;
    if (outcome.kind() == "bad") ++bad;
    if (outcome.kind() != "neutral") clients.insert(contract.client_id);
    explained.outcomes.push_back(std::move(outcome));
  }
  score.set_job_success_contracts(good + bad);
  const bool shown = good + bad >= kJobSuccessMinContracts &&
                     static_cast<int>(clients.size()) >= kJobSuccessMinClients;
  score.set_job_success_shown(shown);
  if (shown) score.set_job_success_percent(good * 100 / (good + bad));

  // Thresholds: README, "Badges". Listed sorted by name.
  std::vector<std::string> badges;
  if (score.review_count() >= 5 && score.rating() >= 4.5 && shown &&
      score.job_success_percent() >= 90) {
    badges.push_back("top_rated");
  }
  if (score.client_review_count() >= 3 && score.client_rating() >= 4.5 &&
      inputs.client_disputes_lost == 0) {
    badges.push_back("reliable_client");
  }
  if (score.review_count() >= 1 && score.review_count() < 5 && score.rating() >= 4.6 && bad == 0) {
    badges.push_back("rising_talent");
  }
  std::sort(badges.begin(), badges.end());
  for (std::string& badge : badges) score.add_badges(std::move(badge));
  return explained;
}

}  // namespace market::reputation
