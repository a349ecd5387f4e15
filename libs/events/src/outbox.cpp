#include "market/events/outbox.hpp"

#include <string>

#include <pqxx/binarystring>

#include "events_migrations.hpp"
#include "market/pg/prepared.hpp"

namespace market::events {
namespace {

inline constexpr std::string_view kInsertEvent = R"(
  INSERT INTO outbox (source, event_type, aggregate_id, payload) VALUES ($1, $2, $3, $4)
)";

}  // namespace

const pg::MigrationSet& OutboxMigrations() { return migrations::events(); }

Status Enqueue(pqxx::work& tx, std::string_view source, std::string_view aggregate_id,
               const google::protobuf::Message& payload) {
  if (!IsValidSource(source)) {
    return InvalidArgumentError("source: must be 1 to 64 characters from a-z, 0-9, _ and -");
  }
  if (aggregate_id.empty()) return InvalidArgumentError("aggregate_id: must not be empty");
  std::string bytes;
  if (!payload.SerializeToString(&bytes)) {
    return InternalError("event payload: cannot be serialized");
  }
  pg::Exec(tx, kInsertEvent, std::string(source), payload.GetDescriptor()->full_name(),
           std::string(aggregate_id), pqxx::binarystring(bytes));
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
