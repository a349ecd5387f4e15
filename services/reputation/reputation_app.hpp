// ReputationApp: the reputation service as its host runs it (market/runtime/service.hpp): the
// Connect methods, the consumer of escrow's events, the rescore task and the daily refresh of
// the priors.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "contract_events.hpp"
#include "market/runtime/service.hpp"
#include "reputation_service.hpp"
#include "score_keeper.hpp"

namespace market::reputation {

struct ReputationOptions {
  // The consumer group on escrow's stream; one per deployment (tests use their own).
  std::string consumer_group{kConsumerGroup};
  // How often due scores are looked for.
  std::chrono::milliseconds rescore_interval{500};
  // How old the priors may get before they are set to the platform means again.
  std::chrono::milliseconds prior_refresh_interval{std::chrono::hours(24)};
};

class ReputationApp final : public runtime::Service {
 public:
  explicit ReputationApp(ReputationOptions options = {});

  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;

 private:
  const ReputationOptions options_;
  std::unique_ptr<ScoreKeeper> scores_;
  std::unique_ptr<ReputationService> service_;
};

}  // namespace market::reputation
