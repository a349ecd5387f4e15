#include "stream_entry.hpp"

#include <catch2/catch.hpp>

namespace {

using market::StatusCode;
using market::redis::Reply;

Reply Text(std::string text) { return Reply{Reply::Type::kString, std::move(text), 0, {}}; }
Reply Nil() { return Reply{}; }
Reply Array(std::vector<Reply> elements) {
  return Reply{Reply::Type::kArray, "", 0, std::move(elements)};
}
Reply Entry(std::string id, std::vector<Reply> fields) {
  return Array({Text(std::move(id)), Array(std::move(fields))});
}

}  // namespace

TEST_CASE("an XREADGROUP reply yields each entry's id and envelope in order", "[events]") {
  const Reply reply = Array({Array(
      {Text("market.events.escrow"),
       Array({Entry("1-0", {Text("event_id"), Text("escrow:1"), Text("envelope"), Text("first")}),
              Entry("2-0", {Text("envelope"), Text("second")})})})});
  auto entries = market::events::EntriesFromReadReply(reply);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].id == "1-0");
  CHECK((*entries)[0].envelope == "first");
  CHECK((*entries)[1].id == "2-0");
  CHECK((*entries)[1].envelope == "second");
}

TEST_CASE("a read that timed out yields no entries", "[events]") {
  auto entries = market::events::EntriesFromReadReply(Nil());
  REQUIRE(entries.ok());
  CHECK(entries->empty());
}

TEST_CASE("a pending entry deleted from the stream has no envelope", "[events]") {
  const Reply reply = Array({Array({Text("s"), Array({Array({Text("5-0"), Nil()})})})});
  auto entries = market::events::EntriesFromReadReply(reply);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].id == "5-0");
  CHECK_FALSE((*entries)[0].envelope.has_value());
}

TEST_CASE("an entry without an envelope field has an empty envelope", "[events]") {
  const Reply reply =
      Array({Array({Text("s"), Array({Entry("7-0", {Text("other"), Text("x")})})})});
  auto entries = market::events::EntriesFromReadReply(reply);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].envelope == "");
}

TEST_CASE("an XAUTOCLAIM reply yields the next cursor and the claimed entries", "[events]") {
  const Reply reply = Array(
      {Text("9-0"), Array({Entry("3-0", {Text("envelope"), Text("e")})}), Array({Text("4-0")})});
  auto claimed = market::events::EntriesFromClaimReply(reply);
  REQUIRE(claimed.ok());
  CHECK(claimed->next_cursor == "9-0");
  REQUIRE(claimed->entries.size() == 1);
  CHECK(claimed->entries[0].id == "3-0");
  CHECK(claimed->entries[0].envelope == "e");
}

TEST_CASE("a reply of an unexpected shape is internal, not a crash", "[events]") {
  CHECK(market::events::EntriesFromReadReply(Text("OK")).status().code() == StatusCode::kInternal);
  CHECK(market::events::EntriesFromReadReply(Array({Text("s")})).status().code() ==
        StatusCode::kInternal);
  CHECK(market::events::EntriesFromReadReply(
            Array({Array({Text("s"), Array({Text("not an entry")})})}))
            .status()
            .code() == StatusCode::kInternal);
  CHECK(market::events::EntriesFromClaimReply(Array({})).status().code() == StatusCode::kInternal);
}
