// The events escrow consumes: BidAccepted (stream of "bidding") and OfferBought (stream of
// "listings") each create one contract, idempotent on the bid or purchase id, in the consumer's
// exactly-once transaction (market/events/consumer.hpp). Other event types on those streams are
// skipped.
//
//   parts.background.AddConsumer({.stream = events::StreamName("bidding"), .group = "escrow"},
//                                [defaults](pqxx::work& tx, const auto& event) {
//                                  return ApplyContractEvent(tx, event, defaults);
//                                });
#pragma once

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/status.hpp"
#include "market/events/v1/events.pb.h"
#include "policy_defaults.hpp"

namespace market::escrow {

inline constexpr std::string_view kConsumerGroup = "escrow";

// Invalid terms are invalid_argument: the consumer retries them up to
// its limit and then moves them to dead_events.
// The contract gets the timers of `defaults`, since the events carry none.
Status ApplyContractEvent(pqxx::work& tx, const market::events::v1::EventEnvelope& event,
                          const PolicyDefaults& defaults);

}  // namespace market::escrow
