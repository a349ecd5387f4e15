// How events sit in a Redis stream entry, and how entries come back from XREADGROUP and
// XAUTOCLAIM. Internal to market::events; the relay writes what the consumer reads here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/redis/reply.hpp"

namespace market::events {

// Field names of a stream entry: the event id (readable with redis-cli) and the serialized
// market.events.v1.EventEnvelope.
inline constexpr std::string_view kEventIdField = "event_id";
inline constexpr std::string_view kEnvelopeField = "envelope";

struct StreamEntry {
  std::string id;
  // nullopt when the entry was deleted or trimmed from the stream while still pending.
  std::optional<std::string> envelope;
};

// The entries of an XREADGROUP reply for one stream; a nil reply (the read timed out) is none.
StatusOr<std::vector<StreamEntry>> EntriesFromReadReply(const redis::Reply& reply);

// The entries of an XAUTOCLAIM reply and the cursor to continue from ("0-0" when done).
struct ClaimedEntries {
  std::string next_cursor;
  std::vector<StreamEntry> entries;
};
StatusOr<ClaimedEntries> EntriesFromClaimReply(const redis::Reply& reply);

}  // namespace market::events
