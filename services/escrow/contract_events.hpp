// The events escrow consumes: BidAccepted (stream of "bidding") and OfferBought (stream of
// "listings") each create one contract, idempotent on the bid or purchase id, in the consumer's
// exactly-once transaction (market/events/consumer.hpp). Other event types on those streams are
// skipped.
//
//   parts.background.AddConsumer({.stream = events::StreamName("bidding"), .group = "escrow"},
//                                ApplyContractEvent);
#pragma once

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/status.hpp"
#include "market/events/v1/events.pb.h"

namespace market::escrow {

inline constexpr std::string_view kConsumerGroup = "escrow";

// Invalid terms are invalid_argument: the consumer retries them up to
// its limit and then moves them to dead_events.
Status ApplyContractEvent(pqxx::work& tx, const market::events::v1::EventEnvelope& event);

}  // namespace market::escrow
