#include "reputation_app.hpp"

#include <algorithm>
#include <utility>

#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/transaction.hpp"
#include "score_repository.hpp"

namespace market::reputation {
namespace {

// How often the age of the priors is looked at.
constexpr std::chrono::milliseconds kPriorCheckInterval = std::chrono::minutes(1);

}  // namespace

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
  // The priors are due once a day on database time, not at every start, so restarts do not
  // move every score and several instances refresh them once between them.
  const auto check_every = std::min(options_.prior_refresh_interval, kPriorCheckInterval);
  parts.background.Add({.name = "reputation-priors", .interval = check_every},
                       [&pool = parts.pg, age = options_.prior_refresh_interval] {
                         const auto changed =
                             pg::InTransaction(pool, [age](pqxx::work& tx) -> StatusOr<int> {
                               if (!ClaimPriorRefresh(tx, age)) return 0;
                               return RefreshPriors(tx);
                             });
                         if (!changed.ok()) return PeriodicTask::Outcome::kFailed;
                         if (*changed > 0) log::Info("priors refreshed", {{"changed", *changed}});
                         return PeriodicTask::Outcome::kIdle;
                       });
  return OkStatus();
}

}  // namespace market::reputation
