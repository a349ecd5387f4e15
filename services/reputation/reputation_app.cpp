#include "reputation_app.hpp"

#include <utility>

#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/transaction.hpp"
#include "score_repository.hpp"

namespace market::reputation {

ReputationApp::ReputationApp(ReputationOptions options) : options_(std::move(options)) {}

Status ReputationApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  scores_ = std::make_unique<ScoreKeeper>(parts.pg, parts.cache);
  service_ = std::make_unique<ReputationService>(parts.pg, *scores_);
  v1::Register(router, *service_);

  events::ConsumerOptions consumer;
  consumer.stream = events::StreamName("escrow");
  consumer.group = options_.consumer_group;  // the host fills in the consumer name
  parts.background.AddConsumer(std::move(consumer), ApplyEscrowEvent);
  parts.background.Add({.name = "reputation-rescore", .interval = options_.rescore_interval},
                       [scores = scores_.get()] { return scores->RescoreDue(); });
  parts.background.Add({.name = "reputation-priors", .interval = options_.prior_refresh_interval},
                       [&pool = parts.pg] {
                         const auto changed = pg::InTransaction(
                             pool,
                             [](pqxx::work& tx) -> StatusOr<int> { return RefreshPriors(tx); });
                         if (!changed.ok()) return PeriodicTask::Outcome::kFailed;
                         if (*changed > 0) log::Info("priors refreshed", {{"changed", *changed}});
                         return PeriodicTask::Outcome::kIdle;
                       });
  return OkStatus();
}

}  // namespace market::reputation
