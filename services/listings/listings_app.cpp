#include "listings_app.hpp"

#include "fx_rates.hpp"
#include "listings_identity.hpp"
#include "market/bidding/v1/bidding.pb.h"
#include "market/escrow/v1/escrow.pb.h"
#include "market/events/outbox.hpp"
#include "market/reputation/v1/reputation.pb.h"

namespace market::listings {

Status ListingsApp::Configure(config::Env& env) {
  bidding_stream_ = env.String("MARKET_LISTINGS_BIDDING_STREAM", events::StreamName("bidding"));
  escrow_stream_ = env.String("MARKET_LISTINGS_ESCROW_STREAM", events::StreamName("escrow"));
  reputation_stream_ =
      env.String("MARKET_LISTINGS_REPUTATION_STREAM", events::StreamName("reputation"));
  searches_.capacity = static_cast<std::size_t>(env.Int(
      "MARKET_LISTINGS_MAX_SEARCHES", static_cast<std::int64_t>(searches_.capacity), 1, 256));
  searches_.wait = env.Millis("MARKET_LISTINGS_SEARCH_WAIT_MS", searches_.wait,
                              std::chrono::milliseconds(0), std::chrono::milliseconds(10000));
  return OkStatus();
}

Status ListingsApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  service_ = std::make_unique<ListingsService>(parts.pg, parts.cache, searches_);
  v1::Register(router, *service_);
  ListingsService& service = *service_;
  // Other event types on these streams are not listings' business: applied as nothing.
  parts.background.AddConsumer(
      {.stream = bidding_stream_, .group = std::string(kIdentity.name), .consumer_name = {}},
      [&service](pqxx::work& tx, const events::v1::EventEnvelope& event) -> Status {
        bidding::v1::BidAccepted accepted;
        if (!event.payload().Is<bidding::v1::BidAccepted>()) return OkStatus();
        if (!event.payload().UnpackTo(&accepted)) {
          return InvalidArgumentError("BidAccepted: the payload does not parse");
        }
        return service.ApplyBidAccepted(tx, accepted);
      });
  parts.background.AddConsumer(
      {.stream = escrow_stream_, .group = std::string(kIdentity.name), .consumer_name = {}},
      [](pqxx::work& tx, const events::v1::EventEnvelope& event) -> Status {
        escrow::v1::FxRatesUpdated updated;
        if (!event.payload().Is<escrow::v1::FxRatesUpdated>()) return OkStatus();
        if (!event.payload().UnpackTo(&updated)) {
          return InvalidArgumentError("FxRatesUpdated: the payload does not parse");
        }
        ApplyFxRates(tx, updated);
        return OkStatus();
      });
  parts.background.AddConsumer(
      {.stream = reputation_stream_, .group = std::string(kIdentity.name), .consumer_name = {}},
      [&service](pqxx::work& tx, const events::v1::EventEnvelope& event) -> Status {
        reputation::v1::ScoreUpdated updated;
        if (!event.payload().Is<reputation::v1::ScoreUpdated>()) return OkStatus();
        if (!event.payload().UnpackTo(&updated)) {
          return InvalidArgumentError("ScoreUpdated: the payload does not parse");
        }
        return service.ApplyScoreUpdated(tx, updated);
      });
  return OkStatus();
}

}  // namespace market::listings
