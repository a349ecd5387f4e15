#include "market/events/consumer.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "events_fixture.hpp"
#include "market/testing/redis.hpp"

namespace {

using market::Status;
using market::events::Consumer;
using market::events::itest::Fixture;
using market::events::itest::NumberOf;
using market::events::v1::EventEnvelope;
using std::chrono::milliseconds;

constexpr int kEvents = 500;

// Delivers the group's entries to `consumer_name` without settling them: the state a consumer
// leaves when it dies after reading (and maybe after committing) but before XACK.
void ReadWithoutAck(Fixture& fixture, const std::string& group, const std::string& consumer_name) {
  auto read = fixture.redis.Command({"XREADGROUP", "GROUP", group, consumer_name, "COUNT",
                                     std::to_string(kEvents * 2), "STREAMS", fixture.stream, ">"});
  REQUIRE(read.ok());
}

}  // namespace

TEST_CASE("every event is applied exactly once, in publication order", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, kEvents);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == kEvents);

  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Effects("billing") >= kEvents; }));
  // Nothing more arrives on further steps.
  for (int i = 0; i < 3; ++i) REQUIRE(consumer.PollOnce().ok());

  CHECK(fixture.Effects("billing") == kEvents);
  CHECK(fixture.DistinctEffects("billing") == kEvents);
  CHECK(fixture.Scalar("SELECT count(*) FROM processed_events") == kEvents);
  // Effects were written in the order the events were enqueued.
  CHECK(fixture.Scalar("SELECT count(*) FROM (SELECT number, row_number() OVER (ORDER BY id) AS "
                       "position FROM effects) ordered WHERE number <> position") == 0);
  CHECK(fixture.Pending("billing") == 0);
}

TEST_CASE("a Redis restart mid-stream loses no event and applies none twice", "[events]") {
  Fixture fixture;
  auto relay = fixture.MakeRelay(50);
  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  relay->Start();
  consumer.Start();

  fixture.EnqueueNumbered(1, 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (fixture.Effects("billing") < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  market::testing::RestartRedis();
  fixture.EnqueueNumbered(201, 350);
  market::testing::RestartRedis();
  fixture.EnqueueNumbered(351, kEvents);

  while (fixture.Effects("billing") < kEvents && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  // Let any duplicate that was still on its way land before counting.
  std::this_thread::sleep_for(milliseconds(300));
  consumer.Stop();
  relay->Stop();

  CHECK(fixture.Effects("billing") == kEvents);
  CHECK(fixture.DistinctEffects("billing") == kEvents);
  CHECK(fixture.Scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);
}

TEST_CASE("events published twice by a relay that died before commit are applied once",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, kEvents);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == kEvents);
  // A relay killed after XADD but before its commit leaves exactly this: the entries on the
  // stream and the rows still unpublished.
  fixture.Scalar(
      "WITH reset AS (UPDATE outbox SET published_at = NULL RETURNING 1) "
      "SELECT count(*) FROM reset");
  REQUIRE(fixture.PublishAll(*relay) == kEvents);
  REQUIRE(fixture.StreamLength() == 2 * kEvents);

  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  // Step until every entry, duplicates included, has been settled.
  std::size_t settled = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (settled < 2 * kEvents && std::chrono::steady_clock::now() < deadline) {
    auto step = consumer.PollOnce();
    REQUIRE(step.ok());
    settled += *step;
  }
  CHECK(settled == 2 * kEvents);
  CHECK(fixture.Effects("billing") == kEvents);
  CHECK(fixture.DistinctEffects("billing") == kEvents);
  CHECK(fixture.Pending("billing") == 0);
}

TEST_CASE("a consumer that died after commit but before XACK skips what it had applied",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, kEvents);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == kEvents);
  {
    Consumer first_run(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                       fixture.RecordEffect("billing"));
    REQUIRE(fixture.PollUntil(first_run, [&] { return fixture.Effects("billing") >= kEvents; }));
  }
  // Every effect is committed; now make every entry pending again for billing-1, as if its
  // XACKs had never been sent.
  REQUIRE(fixture.redis.Command({"XGROUP", "SETID", fixture.stream, "billing", "0"}).ok());
  ReadWithoutAck(fixture, "billing", "billing-1");
  REQUIRE(fixture.Pending("billing") == kEvents);

  std::atomic<int> handler_runs{0};
  auto record = fixture.RecordEffect("billing");
  Consumer restarted(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                     [&](pqxx::work& tx, const EventEnvelope& event) -> Status {
                       ++handler_runs;
                       return record(tx, event);
                     });
  REQUIRE(fixture.PollUntil(restarted, [&] { return fixture.Pending("billing") == 0; }));
  CHECK(handler_runs == 0);
  CHECK(fixture.Effects("billing") == kEvents);
  CHECK(fixture.DistinctEffects("billing") == kEvents);
}

TEST_CASE("entries left pending by a consumer that died are claimed and applied by another",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 100);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 100);
  // billing-1 read everything and died before applying anything.
  REQUIRE(fixture.redis.Command({"XGROUP", "CREATE", fixture.stream, "billing", "0"}).ok());
  ReadWithoutAck(fixture, "billing", "billing-1");
  REQUIRE(fixture.Pending("billing") == 100);

  auto options = fixture.ConsumerFor("billing", "billing-2");
  options.reclaim_idle = milliseconds(200);
  Consumer survivor(fixture.pool, fixture.redis, options, fixture.RecordEffect("billing"));
  REQUIRE(fixture.PollUntil(survivor, [&] { return fixture.Pending("billing") == 0; }));
  CHECK(fixture.Effects("billing") == 100);
  CHECK(fixture.DistinctEffects("billing") == 100);
}

TEST_CASE("two consumer groups each apply every event", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, kEvents);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == kEvents);

  Consumer billing(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                   fixture.RecordEffect("billing"));
  Consumer search(fixture.pool, fixture.redis, fixture.ConsumerFor("search", "search-1"),
                  fixture.RecordEffect("search"));
  REQUIRE(fixture.PollUntil(billing, [&] { return fixture.Effects("billing") >= kEvents; }));
  REQUIRE(fixture.PollUntil(search, [&] { return fixture.Effects("search") >= kEvents; }));
  REQUIRE(billing.PollOnce().ok());
  REQUIRE(search.PollOnce().ok());

  CHECK(fixture.Effects("billing") == kEvents);
  CHECK(fixture.DistinctEffects("billing") == kEvents);
  CHECK(fixture.Effects("search") == kEvents);
  CHECK(fixture.DistinctEffects("search") == kEvents);
  CHECK(fixture.Scalar("SELECT count(*) FROM processed_events") == 2 * kEvents);
}

TEST_CASE("an event whose handler fails is retried later and applied once, without loss",
          "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 200);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 200);

  // Every seventh event fails on its first two attempts, once with a transient code.
  std::mutex mutex;
  std::map<int, int> failures;
  auto record = fixture.RecordEffect("billing");
  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    [&](pqxx::work& tx, const EventEnvelope& event) -> Status {
                      const int number = NumberOf(event);
                      if (number % 7 == 0) {
                        std::lock_guard lock(mutex);
                        const int failed = failures[number]++;
                        if (failed == 0) return market::InternalError("ledger: not ready");
                        if (failed == 1) return market::UnavailableError("ledger: down");
                      }
                      return record(tx, event);
                    });
  REQUIRE(fixture.PollUntil(consumer, [&] {
    return fixture.Effects("billing") >= 200 && fixture.Pending("billing") == 0;
  }));

  CHECK(fixture.Effects("billing") == 200);
  CHECK(fixture.DistinctEffects("billing") == 200);
  CHECK(failures.size() == 200 / 7);
  for (const auto& [number, attempts] : failures) CHECK(attempts == 3);
  CHECK(fixture.Scalar("SELECT count(*) FROM dead_events") == 0);
}

TEST_CASE("a poison event is dead-lettered after max_attempts and blocks nothing", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 50);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 50);

  std::atomic<int> poison_attempts{0};
  auto record = fixture.RecordEffect("billing");
  auto options = fixture.ConsumerFor("billing", "billing-1");
  options.max_attempts = 3;
  Consumer consumer(fixture.pool, fixture.redis, options,
                    [&](pqxx::work& tx, const EventEnvelope& event) -> Status {
                      if (NumberOf(event) == 3) {
                        ++poison_attempts;
                        return market::InvalidArgumentError("amount: negative");
                      }
                      return record(tx, event);
                    });
  REQUIRE(fixture.PollUntil(consumer, [&] {
    return fixture.Effects("billing") >= 49 && fixture.Pending("billing") == 0;
  }));

  CHECK(fixture.Effects("billing") == 49);
  CHECK(fixture.DistinctEffects("billing") == 49);
  CHECK(poison_attempts == 3);
  CHECK(fixture.Scalar("SELECT count(*) FROM dead_events") == 1);
  CHECK(fixture.ScalarFor("SELECT attempts FROM dead_events WHERE event_id = $1",
                          fixture.source + ":3") == 3);
  CHECK(fixture.ScalarFor("SELECT count(*) FROM dead_events WHERE error_code = $1",
                          "invalid_argument") == 1);
}

TEST_CASE("an unreadable entry is dead-lettered at once and the rest are applied", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 5);
  REQUIRE(
      fixture.redis.Command({"XADD", fixture.stream, "*", "envelope", "\xff not protobuf"}).ok());
  REQUIRE(fixture.redis.Command({"XADD", fixture.stream, "*", "something", "else"}).ok());
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 5);

  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Effects("billing") >= 5; }));
  REQUIRE(consumer.PollOnce().ok());
  CHECK(fixture.Effects("billing") == 5);
  CHECK(fixture.Scalar("SELECT count(*) FROM dead_events WHERE event_id IS NULL") == 2);
  CHECK(fixture.Pending("billing") == 0);
}

TEST_CASE("a consumer group lost by Redis is created again and applies nothing twice", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 100);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 100);
  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Effects("billing") >= 100; }));

  // The group disappears (NOGROUP on the next read); events keep coming.
  REQUIRE(fixture.redis.Command({"XGROUP", "DESTROY", fixture.stream, "billing"}).ok());
  fixture.EnqueueNumbered(101, 150);
  REQUIRE(fixture.PublishAll(*relay) == 50);

  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Effects("billing") >= 150; }));
  // The new group starts from the beginning: the first hundred are redelivered and skipped.
  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Pending("billing") == 0; }));
  REQUIRE(consumer.PollOnce().ok());
  CHECK(fixture.Effects("billing") == 150);
  CHECK(fixture.DistinctEffects("billing") == 150);
}

TEST_CASE("while Redis is down the consumer fails fast and resumes where it stopped", "[events]") {
  Fixture fixture;
  fixture.EnqueueNumbered(1, 100);
  auto relay = fixture.MakeRelay();
  REQUIRE(fixture.PublishAll(*relay) == 100);
  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("billing", "billing-1"),
                    fixture.RecordEffect("billing"));
  REQUIRE(consumer.PollOnce().ok());

  market::testing::StopRedis();
  auto down = consumer.PollOnce();
  REQUIRE_FALSE(down.ok());
  CHECK(down.status().code() == market::StatusCode::kUnavailable);
  const auto started = std::chrono::steady_clock::now();
  auto fast = consumer.PollOnce();
  CHECK(fast.status().code() == market::StatusCode::kUnavailable);
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(50));
  market::testing::StartRedis();

  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Effects("billing") >= 100; }));
  REQUIRE(fixture.PollUntil(consumer, [&] { return fixture.Pending("billing") == 0; }));
  CHECK(fixture.Effects("billing") == 100);
  CHECK(fixture.DistinctEffects("billing") == 100);
}
