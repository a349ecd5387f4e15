#include "bidding_app.hpp"

#include <utility>

#include "bidding_identity.hpp"
#include "freelancer_languages.hpp"
#include "job_events.hpp"
#include "market/events/outbox.hpp"
#include "score_events.hpp"

namespace market::bidding {

BiddingApp::BiddingApp(BiddingService::Clock clock) : clock_(std::move(clock)) {}

Status BiddingApp::Configure(config::Env& env) {
  listings_stream_ = env.String("MARKET_BIDDING_LISTINGS_STREAM", events::StreamName("listings"));
  reputation_stream_ =
      env.String("MARKET_BIDDING_REPUTATION_STREAM", events::StreamName("reputation"));
  policy_ = CreditPolicy::FromEnv(env);
  placement_.max_writers =
      static_cast<std::size_t>(env.Int("MARKET_BIDDING_PLACE_WRITERS", 2, 1, 64));
  placement_.max_batch =
      static_cast<std::size_t>(env.Int("MARKET_BIDDING_PLACE_BATCH", 32, 1, 256));
  return OkStatus();
}

Status BiddingApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  service_ = std::make_unique<BiddingService>(parts.pg, policy_, clock_, placement_);
  v1::Register(router, *service_);
  parts.background.AddConsumer(
      {.stream = listings_stream_, .group = std::string(kIdentity.name), .consumer_name = {}},
      [clock = clock_](pqxx::work& tx, const events::v1::EventEnvelope& event) -> Status {
        // One stream, two kinds of copies: the jobs and the freelancers' languages.
        MARKET_RETURN_IF_ERROR(ApplyJobEvent(tx, event, clock));
        return ApplyProfileEvent(tx, event);
      });
  parts.background.AddConsumer(
      {.stream = reputation_stream_, .group = std::string(kIdentity.name), .consumer_name = {}},
      ApplyScoreEvent);
  return OkStatus();
}

}  // namespace market::bidding
