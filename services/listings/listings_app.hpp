// ListingsApp: the listings service as its host runs it (market/runtime/service.hpp): the
// ListingsService methods, and the consumers of the events listings follows:
//   - bidding's BidAccepted marks a job filled;
//   - escrow's FxRatesUpdated refreshes listings' copy of the current exchange rates;
//   - reputation's ScoreUpdated refreshes listings' reputation summary of a freelancer.
#pragma once

#include <memory>
#include <string>

#include "listings_service.hpp"
#include "market/runtime/service.hpp"

namespace market::listings {

class ListingsApp final : public runtime::Service {
 public:
  // MARKET_LISTINGS_BIDDING_STREAM, MARKET_LISTINGS_ESCROW_STREAM and
  // MARKET_LISTINGS_REPUTATION_STREAM name the streams read (defaults: events::StreamName of
  // "bidding", "escrow" and "reputation"), so that test runs and staging stacks sharing one
  // Redis can keep apart.
  Status Configure(config::Env& env) override;
  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;

 private:
  std::string bidding_stream_;
  std::string escrow_stream_;
  std::string reputation_stream_;
  SearchGateOptions searches_;
  std::unique_ptr<ListingsService> service_;
};

}  // namespace market::listings
