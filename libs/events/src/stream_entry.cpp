#include "stream_entry.hpp"

namespace market::events {
namespace {

using redis::Reply;

Status Malformed(std::string_view what) {
  return InternalError("redis: unexpected " + std::string(what) + " reply shape");
}

// One entry is [id, [field, value, ...]], or [id, nil] once deleted from the stream.
StatusOr<StreamEntry> EntryFrom(const Reply& reply) {
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 2 ||
      reply.elements[0].type != Reply::Type::kString) {
    return Malformed("stream entry");
  }
  StreamEntry entry{reply.elements[0].text, std::nullopt};
  const Reply& fields = reply.elements[1];
  if (fields.is_nil()) return entry;
  if (fields.type != Reply::Type::kArray) return Malformed("stream entry");
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].text == kEnvelopeField) {
      entry.envelope = fields.elements[i + 1].text;
      return entry;
    }
  }
  // An entry without an envelope is still an entry: the consumer dead-letters it.
  entry.envelope = std::string();
  return entry;
}

StatusOr<std::vector<StreamEntry>> EntriesFrom(const Reply& list) {
  if (list.type != Reply::Type::kArray) return Malformed("stream entries");
  std::vector<StreamEntry> entries;
  entries.reserve(list.elements.size());
  for (const Reply& element : list.elements) {
    MARKET_ASSIGN_OR_RETURN(StreamEntry entry, EntryFrom(element));
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

StatusOr<std::vector<StreamEntry>> EntriesFromReadReply(const Reply& reply) {
  if (reply.is_nil()) return std::vector<StreamEntry>{};
  // [[stream name, [entry, ...]]]: one element per stream read; we read one.
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 1 ||
      reply.elements[0].type != Reply::Type::kArray || reply.elements[0].elements.size() != 2) {
    return Malformed("XREADGROUP");
  }
  return EntriesFrom(reply.elements[0].elements[1]);
}

StatusOr<ClaimedEntries> EntriesFromClaimReply(const Reply& reply) {
  // [next cursor, [entry, ...], [deleted id, ...]]; Redis 7 drops deleted ids from the pending
  // list itself, so the third element needs no action.
  if (reply.type != Reply::Type::kArray || reply.elements.size() < 2 ||
      reply.elements[0].type != Reply::Type::kString) {
    return Malformed("XAUTOCLAIM");
  }
  ClaimedEntries claimed;
  claimed.next_cursor = reply.elements[0].text;
  MARKET_ASSIGN_OR_RETURN(claimed.entries, EntriesFrom(reply.elements[1]));
  return claimed;
}

}  // namespace market::events
