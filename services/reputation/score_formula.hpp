// The scoring formula (README, "Scores"): a pure function from the stored inputs of one user
// to their Score and its explanation, so that it is tested without a database and any score
// can be recomputed from the data alone.
//
//   ScoreInputs inputs = LoadScoreInputs(tx, user_id);   // score_repository.hpp
//   ScoreExplanation explained = ComputeScore(inputs);
//   explained.score.rating();   // == the sum of explained.contributions of that direction
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "market/reputation/v1/reputation.pb.h"

namespace market::reputation {

// The prior's weight: as much as USD 1000 of contracts (README, "Weights").
inline constexpr std::int64_t kPriorWeight = 1000;
// The weight range of one contract's review.
inline constexpr int kMinContractWeight = 1;
inline constexpr int kMaxContractWeight = 10'000;
// Job success counts contracts that ended within this many days.
inline constexpr int kJobSuccessWindowDays = 365;
// ...and is shown only with this many counted outcomes from this many distinct clients.
inline constexpr int kJobSuccessMinContracts = 5;
inline constexpr int kJobSuccessMinClients = 3;
// Overall ratings at or above kGoodRating make a good outcome, at or below kBadRating a bad one.
inline constexpr int kGoodRating = 4;
inline constexpr int kBadRating = 2;

// A contract's weight from its value in US cents: its whole US dollars, clamped to
// [kMinContractWeight, kMaxContractWeight]; 1 without a known value. Weight grows with money,
// not with the number of contracts: a hundred USD 1 contracts weigh what one USD 100 contract
// weighs, so tiny contracts cannot pump a score more cheaply than one real one, and the cap
// keeps a single huge contract from drowning every other.
int ContractWeight(std::optional<std::int64_t> value_usd_cents);

// One visible, not hidden review the user received.
struct CountedReview {
  std::string review_id;
  std::string contract_id;
  v1::Direction direction = v1::DIRECTION_UNSPECIFIED;
  int overall = 0;
  int weight = kMinContractWeight;
};

// One ended contract of the user as a freelancer within the job-success window.
struct FreelancerContract {
  std::string contract_id;
  std::string client_id;
  std::int64_t ended_at_unix_micros = 0;
  bool money_moved = false;
  std::int64_t released_minor = 0;
  std::int64_t refunded_minor = 0;
  int disputes_lost = 0;
  // The client's visible, not hidden overall rating of the freelancer, if any.
  std::optional<int> rating;
};

struct ScoreInputs {
  std::string user_id;
  // Platform means in thousandths of a point (priors table).
  int prior_mean_milli = 4500;
  int client_prior_mean_milli = 4500;
  std::vector<CountedReview> reviews;
  std::vector<FreelancerContract> freelancer_contracts;
  // Disputes lost as a client on contracts that ended within the job-success window.
  int client_disputes_lost = 0;
};

struct ScoreExplanation {
  v1::Score score;
  std::vector<v1::Contribution> contributions;
  std::vector<v1::Outcome> outcomes;
};

ScoreExplanation ComputeScore(const ScoreInputs& inputs);

}  // namespace market::reputation
