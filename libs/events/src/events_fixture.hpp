// Shared set-up of the events integration tests: a fresh service schema holding the outbox
// tables and an `effects` table that handlers write to, a Redis client, and a source (hence a
// stream) of its own, so runs never see each other's events.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "market/events/consumer.hpp"
#include "market/events/outbox.hpp"
#include "market/events/outbox_relay.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "market/testing/postgres.hpp"

namespace market::events::itest {

struct Fixture {
  Fixture();
  ~Fixture();

  // Commits events numbered first..last, `per_transaction` to a transaction. Each payload is a
  // google.protobuf.StringValue holding the number; the aggregate is "order-<number % 7>".
  void EnqueueNumbered(int first, int last, int per_transaction = 50);

  std::unique_ptr<OutboxRelay> MakeRelay(std::size_t batch_size = 100);
  // Steps `relay` until a step publishes nothing; the number published.
  std::size_t PublishAll(OutboxRelay& relay);

  ConsumerOptions ConsumerFor(std::string group, std::string consumer_name) const;
  // A handler that records (group, event_id, number) in `effects`.
  EventHandler RecordEffect(std::string group) const;
  // Steps `consumer` until `done()` or `limit` passes; whether done() became true.
  bool PollUntil(Consumer& consumer, const std::function<bool()>& done,
                 std::chrono::seconds limit = std::chrono::seconds(30));

  // The first column of the first row of `sql`, run in the test schema.
  long long Scalar(std::string_view sql);
  // The same for a query with one text parameter, $1.
  long long ScalarFor(std::string_view sql, std::string_view param);
  long long Effects(std::string_view group);
  long long DistinctEffects(std::string_view group);
  // Entries of `group` delivered but not acknowledged (XPENDING).
  long long Pending(std::string_view group);
  long long StreamLength();

  market::testing::TestDatabase database;
  pg::Pool pool;
  redis::Client redis;
  // Reads the stream's state for assertions, apart from the client under test so that its retry
  // window never hides what happened.
  redis::Client observer;
  std::string source;
  std::string stream;
};

// The number carried by an event written by EnqueueNumbered.
int NumberOf(const v1::EventEnvelope& event);

}  // namespace market::events::itest
