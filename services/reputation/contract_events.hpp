// The escrow events reputation consumes (stream "market.events.escrow"), each applied in the
// consumer's exactly-once transaction (market/events/consumer.hpp): they keep reputation's copy
// of each contract (parties, value, money moved, disputes lost, end and review window) and the
// rates into USD that freeze a contract's weight when it ends. Every event that changes a
// contract marks both parties' scores due, so the rescore task recomputes and publishes them.
// Other event types are skipped.
//
//   parts.background.AddConsumer({.stream = events::StreamName("escrow"), .group = "reputation"},
//                                ApplyEscrowEvent);
#pragma once

#include <pqxx/transaction>

#include <cstdint>
#include <string_view>

#include "market/common/status.hpp"
#include "market/events/v1/events.pb.h"

namespace market::reputation {

inline constexpr std::string_view kConsumerGroup = "reputation";
// ContractPolicy.review_window_seconds of 0 means escrow's default, 14 days.
inline constexpr std::int64_t kDefaultReviewWindowSeconds = 14 * 24 * 3600;

// An event about a contract reputation has not seen created is failed_precondition: the
// consumer retries it (events may arrive out of order around a failure) up to its limit, then
// moves it to dead_events.
Status ApplyEscrowEvent(pqxx::work& tx, const market::events::v1::EventEnvelope& event);

}  // namespace market::reputation
