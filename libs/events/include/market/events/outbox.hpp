// The transactional outbox: a service records an event in the same Postgres transaction as the
// change it describes, so the event exists if and only if the change committed.
//
//   auto released = pg::InTransaction(pool, {}, [&](pqxx::work& tx) -> Status {
//     tx.exec_params(kReleaseMilestone, milestone_id);
//     market::escrow::v1::MilestoneReleased event;
//     event.set_milestone_id(milestone_id);
//     return market::events::Enqueue(tx, "escrow", contract_id, event);
//   });
//
// An OutboxRelay (outbox_relay.hpp) later publishes the row to the stream StreamName("escrow")
// and Consumers (consumer.hpp) apply it exactly once. The tables live in the service's own
// schema: add OutboxMigrations() to the sets given to pg::ApplyMigrations.
//
// Event ids are "<source>:<outbox id>" (market.events.v1.EventEnvelope.event_id), unique across
// services as long as each service writes its own source name.
#pragma once

#include <pqxx/transaction>

#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "market/common/status.hpp"
#include "market/pg/migrations.hpp"

namespace market::events {

// Component "events": tables outbox, processed_events and dead_events, created unqualified in
// the schema the migration runs in.
const pg::MigrationSet& OutboxMigrations();

// Adds `payload` to the outbox inside `tx`: it is published if and only if `tx` commits. The
// envelope's type is the payload's full proto name. invalid_argument when `source` is not a
// valid source name (see IsValidSource) or `aggregate_id` is empty. Database errors surface as
// pqxx exceptions, like any other statement in `tx`.
Status Enqueue(pqxx::work& tx, std::string_view source, std::string_view aggregate_id,
               const google::protobuf::Message& payload);

// One event of EnqueueAll; the payload must outlive the call.
struct PendingEvent {
  std::string aggregate_id;
  const google::protobuf::Message* payload = nullptr;
};

// Enqueue for several events in one statement, in order (their ids rise in that order): for
// writes made in batches. Nothing is written when any event is invalid.
Status EnqueueAll(pqxx::work& tx, std::string_view source, const std::vector<PendingEvent>& events);

// A source names the service that writes events: 1 to 64 characters from [a-z0-9_-], so that it
// forms a clean stream name and cannot be confused with the separators in event ids.
bool IsValidSource(std::string_view source);

// The Redis stream a source's events are published to: "market.events.<source>".
std::string StreamName(std::string_view source);

}  // namespace market::events
