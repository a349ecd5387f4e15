#include "market/events/retention.hpp"

#include <catch2/catch.hpp>

#include "events_fixture.hpp"
#include "market/pg/transaction.hpp"

namespace market::events {
namespace {

using itest::Fixture;

// Rows of `group` processed (or dead) `days` ago.
void Backdate(Fixture& fixture, std::string_view group, int first, int last, int days) {
  const Status written = pg::InTransaction(fixture.pool, [&](pqxx::work& tx) -> Status {
    for (int i = first; i <= last; ++i) {
      const std::string id = "src:" + std::to_string(i);
      tx.exec_params(
          "INSERT INTO processed_events (consumer_group, event_id, processed_at) "
          "VALUES ($1, $2, now() - make_interval(days => $3))",
          std::string(group), id, days);
      tx.exec_params(
          "INSERT INTO dead_events (consumer_group, stream, entry_id, attempts, error_code, "
          "error_message, failed_at) VALUES ($1, 's', $2, 1, 'internal', 'x', "
          "now() - make_interval(days => $3))",
          std::string(group), id, days);
    }
    return OkStatus();
  });
  REQUIRE(written.ok());
}

long long Count(Fixture& fixture, std::string_view table, std::string_view group) {
  return fixture.ScalarFor(
      "SELECT count(*) FROM " + std::string(table) + " WHERE consumer_group = $1", group);
}

TEST_CASE("pruning deletes a group's rows past their retention, in batches", "[events]") {
  Fixture fixture;
  Backdate(fixture, "g", 1, 5, 30);       // past both retentions of processed, inside dead's
  Backdate(fixture, "g", 6, 8, 100);      // past both
  Backdate(fixture, "g", 9, 10, 1);       // recent
  Backdate(fixture, "other", 1, 3, 100);  // another group's rows are not this group's to prune

  auto pruned = PruneConsumed(fixture.pool, "g",
                              {.keep_processed = std::chrono::hours(24 * 14),
                               .keep_dead = std::chrono::hours(24 * 90),
                               .batch_size = 2});
  REQUIRE(pruned.ok());
  CHECK(pruned->processed == 8);
  CHECK(pruned->dead == 3);
  CHECK(Count(fixture, "processed_events", "g") == 2);
  CHECK(Count(fixture, "dead_events", "g") == 7);
  CHECK(Count(fixture, "processed_events", "other") == 3);
  CHECK(Count(fixture, "dead_events", "other") == 3);
}

TEST_CASE("a call deletes at most max_batches batches and leaves the rest for the next",
          "[events]") {
  Fixture fixture;
  Backdate(fixture, "g", 1, 7, 30);
  const RetentionOptions options{.batch_size = 2, .max_batches = 2};
  auto first = PruneConsumed(fixture.pool, "g", options);
  REQUIRE(first.ok());
  CHECK(first->processed == 4);
  auto second = PruneConsumed(fixture.pool, "g", options);
  REQUIRE(second.ok());
  CHECK(second->processed == 3);
  CHECK(Count(fixture, "processed_events", "g") == 0);
}

TEST_CASE("a consumer prunes its own group", "[events]") {
  Fixture fixture;
  Backdate(fixture, "mine", 1, 3, 20);
  Backdate(fixture, "mine", 4, 4, 2);
  Consumer consumer(fixture.pool, fixture.redis, fixture.ConsumerFor("mine", "c1"),
                    fixture.RecordEffect("mine"));
  auto pruned = consumer.PruneProcessed();
  REQUIRE(pruned.ok());
  CHECK(pruned->processed == 3);
  CHECK(Count(fixture, "processed_events", "mine") == 1);
}

TEST_CASE("a retention shorter than a redelivery could be is refused", "[events]") {
  CHECK(ValidateRetention({}).ok());
  const Status short_processed = ValidateRetention({.keep_processed = std::chrono::hours(1)});
  CHECK(short_processed.code() == StatusCode::kInvalidArgument);
  CHECK(short_processed.message().starts_with("keep_processed:"));
  const Status short_dead = ValidateRetention(
      {.keep_processed = std::chrono::hours(24 * 14), .keep_dead = std::chrono::hours(24)});
  CHECK(short_dead.code() == StatusCode::kInvalidArgument);
  CHECK(short_dead.message().starts_with("keep_dead:"));
}

}  // namespace
}  // namespace market::events
