// BiddingApp: the bidding service as its host runs it (market/runtime/service.hpp): the
// BiddingService methods, the consumer of listings' job events, which keeps bidding's copy of
// the jobs and expires bids and returns credits when a job is cancelled, filled or changed
// (job_events.hpp), and the consumer of reputation's score events, which keeps the scores
// ListJobBids sorts by (score_events.hpp).
#pragma once

#include <memory>
#include <string>

#include "bidding_service.hpp"
#include "credit_policy.hpp"
#include "market/runtime/service.hpp"

namespace market::bidding {

class BiddingApp final : public runtime::Service {
 public:
  // `clock` tells the time for bid deadlines and credit months; tests pass their own.
  explicit BiddingApp(BiddingService::Clock clock = std::chrono::system_clock::now);

  // MARKET_BIDDING_LISTINGS_STREAM and MARKET_BIDDING_REPUTATION_STREAM name the streams of
  // listings' job events and reputation's score events (defaults: events::StreamName of
  // "listings" and "reputation"), so that test runs and staging stacks sharing one Redis can
  // keep apart; the credit settings are CreditPolicy's. PlaceBid's batches (bid_placer.hpp):
  // MARKET_BIDDING_PLACE_WRITERS (default 2, 1 to 64) run at once, each of at most
  // MARKET_BIDDING_PLACE_BATCH bids (default 32, 1 to 256); each writer holds a pooled connection.
  Status Configure(config::Env& env) override;
  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;

 private:
  BiddingService::Clock clock_;
  std::string listings_stream_;
  std::string reputation_stream_;
  CreditPolicy policy_;
  BatchCombinerOptions placement_;
  std::unique_ptr<BiddingService> service_;
};

}  // namespace market::bidding
