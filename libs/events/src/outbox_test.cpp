#include "market/events/outbox.hpp"

#include <string>

#include <catch2/catch.hpp>

TEST_CASE("a source's events go to the stream market.events.<source>", "[events]") {
  CHECK(market::events::StreamName("escrow") == "market.events.escrow");
  CHECK(market::events::StreamName("reputation") == "market.events.reputation");
}

TEST_CASE("a source name is short lower-case letters, digits, _ and -", "[events]") {
  using market::events::IsValidSource;
  CHECK(IsValidSource("escrow"));
  CHECK(IsValidSource("escrow_v2-eu"));
  CHECK(IsValidSource(std::string(64, 'a')));

  CHECK_FALSE(IsValidSource(""));
  CHECK_FALSE(IsValidSource(std::string(65, 'a')));
  CHECK_FALSE(IsValidSource("Escrow"));
  CHECK_FALSE(IsValidSource("escrow:1"));  // ':' separates the source from the id in event ids
  CHECK_FALSE(IsValidSource("esc row"));
  CHECK_FALSE(IsValidSource("escrow.eu"));
}

TEST_CASE("the outbox migrations form the component events, in version order", "[events]") {
  const auto& set = market::events::OutboxMigrations();
  CHECK(set.component == "events");
  REQUIRE_FALSE(set.migrations.empty());
  CHECK(set.migrations.front().version == 1);
  for (std::size_t i = 1; i < set.migrations.size(); ++i) {
    CHECK(set.migrations[i].version > set.migrations[i - 1].version);
  }
  CHECK(set.migrations.front().sql.find("CREATE TABLE outbox") != std::string::npos);
  CHECK(set.migrations.front().sql.find("CREATE TABLE processed_events") != std::string::npos);
}
