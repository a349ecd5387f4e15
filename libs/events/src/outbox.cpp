#include "market/events/outbox.hpp"

#include <string>
#include <vector>

#include <pqxx/binarystring>

#include "events_migrations.hpp"
#include "market/common/statusor.hpp"
#include "market/common/text.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::events {
namespace {

inline constexpr std::string_view kInsertEvent = R"(
  INSERT INTO outbox (source, event_type, aggregate_id, payload) VALUES ($1, $2, $3, $4)
)";

// The payloads travel as hexadecimal text: a bytea[] literal would need escaping twice over.
inline constexpr std::string_view kInsertEvents = R"(
  INSERT INTO outbox (source, event_type, aggregate_id, payload)
  SELECT $1, e.event_type, e.aggregate_id, decode(e.payload, 'hex')
  FROM unnest($2::text[], $3::text[], $4::text[])
    WITH ORDINALITY AS e (event_type, aggregate_id, payload, ord)
  ORDER BY e.ord
)";

Status CheckSource(std::string_view source) {
  if (IsValidSource(source)) return OkStatus();
  return InvalidArgumentError("source: must be 1 to 64 characters from a-z, 0-9, _ and -");
}

// The payload's bytes, once the event's own fields are known to be fit for the outbox.
StatusOr<std::string> PayloadBytes(std::string_view aggregate_id,
                                   const google::protobuf::Message& payload) {
  if (aggregate_id.empty()) return InvalidArgumentError("aggregate_id: must not be empty");
  std::string bytes;
  if (!payload.SerializeToString(&bytes)) {
    return InternalError("event payload: cannot be serialized");
  }
  return bytes;
}

}  // namespace

const pg::MigrationSet& OutboxMigrations() { return migrations::events(); }

Status Enqueue(pqxx::work& tx, std::string_view source, std::string_view aggregate_id,
               const google::protobuf::Message& payload) {
  MARKET_RETURN_IF_ERROR(CheckSource(source));
  MARKET_ASSIGN_OR_RETURN(const std::string bytes, PayloadBytes(aggregate_id, payload));
  pg::Exec(tx, kInsertEvent, std::string(source), payload.GetDescriptor()->full_name(),
           std::string(aggregate_id), pqxx::binarystring(bytes));
  return OkStatus();
}

Status EnqueueAll(pqxx::work& tx, std::string_view source,
                  const std::vector<PendingEvent>& events) {
  MARKET_RETURN_IF_ERROR(CheckSource(source));
  if (events.empty()) return OkStatus();
  std::vector<std::string> types, aggregate_ids, payloads;
  for (const PendingEvent& event : events) {
    MARKET_ASSIGN_OR_RETURN(const std::string bytes,
                            PayloadBytes(event.aggregate_id, *event.payload));
    types.push_back(event.payload->GetDescriptor()->full_name());
    aggregate_ids.push_back(event.aggregate_id);
    payloads.push_back(text::ToHex(bytes));
  }
  pg::Exec(tx, kInsertEvents, std::string(source), pg::ToArrayLiteral(types),
           pg::ToArrayLiteral(aggregate_ids), pg::ToArrayLiteral(payloads));
  return OkStatus();
}

bool IsValidSource(std::string_view source) {
  if (source.empty() || source.size() > 64) return false;
  for (char c : source) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string StreamName(std::string_view source) { return "market.events." + std::string(source); }

}  // namespace market::events
