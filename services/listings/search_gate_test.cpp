#include "search_gate.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "market/connect/error_details.hpp"

namespace market::listings {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("no more searches than the gate's places run at once", "[listings][search_gate]") {
  SearchGate gate({.capacity = 2, .wait = 5s});
  std::atomic<int> running{0}, most{0}, refused{0};
  std::vector<std::thread> searches;
  for (int i = 0; i < 8; ++i) {
    searches.emplace_back([&] {
      auto place = gate.Enter(Clock::now() + 10s);
      if (!place.ok()) {
        ++refused;
        return;
      }
      const int now_running = ++running;
      int seen = most.load();
      while (now_running > seen && !most.compare_exchange_weak(seen, now_running)) {
      }
      std::this_thread::sleep_for(20ms);
      --running;
    });
  }
  for (auto& search : searches) search.join();
  CHECK(refused == 0);  // each waited for a place within the five seconds
  CHECK(most <= 2);
  CHECK(most >= 1);
}

TEST_CASE("a search waits for a place that frees up within the wait", "[listings][search_gate]") {
  SearchGate gate({.capacity = 1, .wait = 5s});
  auto held = gate.Enter(Clock::time_point::max());
  REQUIRE(held.ok());
  std::thread finisher([&] {
    std::this_thread::sleep_for(50ms);
    auto done = std::move(*held);  // the running search ends and gives its place back
  });
  auto next = gate.Enter(Clock::time_point::max());
  finisher.join();
  CHECK(next.ok());
}

TEST_CASE("beyond the wait a search is refused, with a delay to retry after",
          "[listings][search_gate]") {
  SearchGate gate({.capacity = 1, .wait = 50ms});
  auto held = gate.Enter(Clock::time_point::max());
  REQUIRE(held.ok());
  const auto refused = gate.Enter(Clock::time_point::max());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kResourceExhausted);
  CHECK(refused.status().message() == "too many searches at once; retry shortly");
  CHECK(connect::RetryDelayOf(refused.status()).has_value());
}

TEST_CASE("the caller's deadline cuts the wait short", "[listings][search_gate]") {
  SearchGate gate({.capacity = 1, .wait = 10s});
  auto held = gate.Enter(Clock::time_point::max());
  REQUIRE(held.ok());
  const auto started = Clock::now();
  const auto refused = gate.Enter(started + 50ms);
  CHECK(refused.status().code() == StatusCode::kResourceExhausted);
  CHECK(Clock::now() - started < 5s);
}

TEST_CASE("a place given back once, however often it moved", "[listings][search_gate]") {
  SearchGate gate({.capacity = 1, .wait = 0ms});
  {
    auto first = gate.Enter(Clock::time_point::max());
    REQUIRE(first.ok());
    SearchGate::Place moved = std::move(*first);
    SearchGate::Place again = std::move(moved);
    CHECK_FALSE(gate.Enter(Clock::time_point::max()).ok());  // still held, by `again`
  }
  auto after = gate.Enter(Clock::time_point::max());
  CHECK(after.ok());
  // One place only: had a moved-from place given it back too, there would be two.
  CHECK_FALSE(gate.Enter(Clock::time_point::max()).ok());
}

}  // namespace
}  // namespace market::listings
