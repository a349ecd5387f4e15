// Reputation's ScoreUpdated events, applied to bidding's copy of the freelancers' scores that
// ListJobBids sorts by (BID_SORT_REPUTATION). Runs in the consumer's transaction
// (events/consumer.hpp), which records the event as applied.
//
// The event's `version` orders one user's scores: the copy takes an event only when it is newer
// than the stored one, so a redelivered or late event changes nothing. A user without a visible
// review as a freelancer is stored with score 0 (the event's rating is then the platform's
// prior, not earned): after every rated freelancer, before those reputation never scored.
// Other event types on the stream are not bidding's business: applied as nothing.
#pragma once

#include <pqxx/transaction>

#include "market/common/status.hpp"
#include "market/events/v1/events.pb.h"

namespace market::bidding {

// invalid_argument when a ScoreUpdated breaks its contract (not a UUID, a rating outside 0..5,
// a version below 1): the consumer dead-letters it after its attempts.
Status ApplyScoreEvent(pqxx::work& tx, const events::v1::EventEnvelope& event);

}  // namespace market::bidding
