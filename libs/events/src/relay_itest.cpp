#include "market/events/outbox_relay.hpp"

#include <chrono>
#include <string>
#include <thread>

#include <google/protobuf/wrappers.pb.h>
#include <catch2/catch.hpp>

#include "events_fixture.hpp"
#include "market/events/v1/events.pb.h"
#include "market/pg/transaction.hpp"
#include "market/testing/redis.hpp"

namespace {

using market::Status;
using market::StatusCode;
using market::events::itest::Fixture;
using market::events::v1::EventEnvelope;
using std::chrono::milliseconds;

// Every envelope on the stream, oldest first.
std::vector<EventEnvelope> StreamEnvelopes(Fixture& fixture) {
  auto range = fixture.redis.Command({"XRANGE", fixture.stream, "-", "+"});
  REQUIRE(range.ok());
  std::vector<EventEnvelope> envelopes;
  for (const auto& entry : range->elements) {
    const auto& fields = entry.elements.at(1).elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].text != "envelope") continue;
      EventEnvelope envelope;
      REQUIRE(envelope.ParseFromString(fields[i + 1].text));
      envelopes.push_back(envelope);
    }
  }
  return envelopes;
}

}  // namespace

TEST_CASE("an event enqueued in a rolled-back transaction is never published", "[events]") {
  Fixture fixture;
  google::protobuf::StringValue payload;
  payload.set_value("kept");
  REQUIRE(market::pg::InTransaction(fixture.pool, [&](pqxx::work& tx) -> Status {
            return market::events::Enqueue(tx, fixture.source, "order-1", payload);
          }).ok());
  payload.set_value("rolled back");
  const Status rolled_back = market::pg::InTransaction(fixture.pool, [&](pqxx::work& tx) -> Status {
    MARKET_RETURN_IF_ERROR(market::events::Enqueue(tx, fixture.source, "order-2", payload));
    return market::FailedPreconditionError("order: the change was refused");
  });
  REQUIRE(rolled_back.code() == StatusCode::kFailedPrecondition);

  auto relay = fixture.MakeRelay();
  CHECK(fixture.PublishAll(*relay) == 1);
  const auto envelopes = StreamEnvelopes(fixture);
  REQUIRE(envelopes.size() == 1);
  CHECK(envelopes[0].aggregate_id() == "order-1");
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox") == 1);
}

TEST_CASE("events are published in outbox order, each in a complete envelope", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 250);
  auto relay = fixture.MakeRelay(100);

  auto first = relay->PublishBatch();
  REQUIRE(first.ok());
  CHECK(*first == 100);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 150);
  CHECK(fixture.PublishAll(*relay) == 150);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);

  const auto envelopes = StreamEnvelopes(fixture);
  REQUIRE(envelopes.size() == 250);
  const long long first_id = fixture.Scalar("SELECT min(id) FROM outbox");
  for (int i = 0; i < 250; ++i) {
    const EventEnvelope& envelope = envelopes[i];
    CHECK(envelope.event_id() == fixture.source + ":" + std::to_string(first_id + i));
    CHECK(envelope.source() == fixture.source);
    CHECK(envelope.type() == "google.protobuf.StringValue");
    CHECK(envelope.aggregate_id() == "order-" + std::to_string((i + 1) % 7));
    CHECK(envelope.occurred_at().seconds() > 1600000000);
    CHECK(market::events::itest::NumberOf(envelope) == i + 1);
  }
}

TEST_CASE("events enqueued together are published in their order with their exact bytes",
          "[events]") {
  Fixture fixture;
  // Every byte value, the zero byte too, must survive the trip.
  std::string all_bytes;
  for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
  std::vector<google::protobuf::BytesValue> payloads(3);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    payloads[i].set_value(all_bytes + std::to_string(i));
  }
  REQUIRE(market::pg::InTransaction(fixture.pool, [&](pqxx::work& tx) -> Status {
            return market::events::EnqueueAll(
                tx, fixture.source,
                {{"job-b", &payloads[0]}, {"job-a", &payloads[1]}, {"job-b", &payloads[2]}});
          }).ok());
  const Status invalid = market::pg::InTransaction(fixture.pool, [&](pqxx::work& tx) -> Status {
    return market::events::EnqueueAll(tx, fixture.source,
                                      {{"job-c", &payloads[0]}, {"", &payloads[1]}});
  });
  CHECK(invalid.code() == StatusCode::kInvalidArgument);

  auto relay = fixture.MakeRelay();
  CHECK(fixture.PublishAll(*relay) == 3);
  const auto envelopes = StreamEnvelopes(fixture);
  REQUIRE(envelopes.size() == 3);
  const std::vector<std::string> aggregates = {"job-b", "job-a", "job-b"};
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    CHECK(envelopes[i].aggregate_id() == aggregates[i]);
    CHECK(envelopes[i].type() == "google.protobuf.BytesValue");
    google::protobuf::BytesValue payload;
    REQUIRE(envelopes[i].payload().UnpackTo(&payload));
    CHECK(payload.value() == payloads[i].value());
  }
}

TEST_CASE("while Redis is down events stay in the outbox and are published once it returns",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 20);
  auto relay = fixture.MakeRelay();

  market::testing::StopRedis();
  auto down = relay->PublishBatch();
  REQUIRE_FALSE(down.ok());
  CHECK(down.status().code() == StatusCode::kUnavailable);
  auto fast = relay->PublishBatch();  // within the client's retry window: no transaction at all
  CHECK(fast.status().code() == StatusCode::kUnavailable);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 20);
  market::testing::StartRedis();

  std::size_t published = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (published < 20 && std::chrono::steady_clock::now() < deadline) {
    auto step = relay->PublishBatch();
    if (step.ok()) {
      published += *step;
    } else {
      std::this_thread::sleep_for(milliseconds(50));
    }
  }
  CHECK(published == 20);
  CHECK(fixture.StreamLength() == 20);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);
}

TEST_CASE("a relay publishes nothing while another relay of the schema holds the lock",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 10);
  auto relay = fixture.MakeRelay();

  // Another relay's step in progress: it holds the (schema, source) lock in its transaction.
  auto connection = fixture.pool.Acquire();
  REQUIRE(connection.ok());
  {
    pqxx::work other(**connection);
    REQUIRE(other
                .exec_params1("SELECT pg_try_advisory_xact_lock(hashtextextended("
                              "current_schema() || '.outbox.' || $1, 0))",
                              fixture.source)[0]
                .as<bool>());
    auto blocked = relay->PublishBatch();
    REQUIRE(blocked.ok());
    CHECK(*blocked == 0);
    CHECK(fixture.StreamLength() == 0);
    other.abort();
  }
  CHECK(fixture.PublishAll(*relay) == 10);
  CHECK(fixture.StreamLength() == 10);
}

TEST_CASE("the relay trims its stream to about max_stream_length", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 1000, 500);
  market::events::OutboxRelay relay(
      fixture.pool, fixture.redis,
      {.source = fixture.source, .batch_size = 500, .max_stream_length = 100});
  CHECK(fixture.PublishAll(relay) == 1000);
  const long long length = fixture.StreamLength();
  CHECK(length >= 100);
  CHECK(length < 1000);
}

TEST_CASE("published events older than keep_published are purged; unpublished ones never",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 30);
  market::events::OutboxRelay relay(
      fixture.pool, fixture.redis,
      {.source = fixture.source, .batch_size = 20, .keep_published = std::chrono::hours(0)});
  auto published = relay.PublishBatch();
  REQUIRE(published.ok());
  REQUIRE(*published == 20);

  auto purged = relay.PurgePublished();
  REQUIRE(purged.ok());
  CHECK(*purged == 20);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox") == 10);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 10);

  market::events::OutboxRelay keeping(fixture.pool, fixture.redis, {.source = fixture.source});
  CHECK(fixture.PublishAll(keeping) == 10);
  auto kept = keeping.PurgePublished();
  REQUIRE(kept.ok());
  CHECK(*kept == 0);
}

TEST_CASE("the background relay publishes what is committed while it runs", "[events]") {
  Fixture fixture;
  auto relay = fixture.MakeRelay(50);
  relay->Start();
  fixture.EnqueueNumbered(1, 120);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fixture.StreamLength() < 120 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  relay->Stop();
  CHECK(fixture.StreamLength() == 120);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);
}
