#include "market/common/periodic_task.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace market {
namespace {

using namespace std::chrono_literals;
using Outcome = PeriodicTask::Outcome;

// Polls `done` for up to ten seconds, so slow machines only make the test slower.
template <typename Predicate>
bool Eventually(Predicate done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_CASE("a step with more work runs again at once, an idle one waits", "[periodic_task]") {
  std::atomic<int> runs{0};
  // An hour between idle steps: anything beyond the first five runs proves no wait happened.
  PeriodicTask task({.name = "drain", .interval = 1h},
                    [&] { return ++runs < 5 ? Outcome::kMoreWork : Outcome::kIdle; });
  task.Start();
  REQUIRE(Eventually([&] { return runs == 5; }));
  std::this_thread::sleep_for(50ms);
  CHECK(runs == 5);
  task.Stop();
}

TEST_CASE("Wake runs the next step without waiting for the interval", "[periodic_task]") {
  std::atomic<int> runs{0};
  PeriodicTask task({.name = "woken", .interval = 1h}, [&] {
    ++runs;
    return Outcome::kIdle;
  });
  task.Start();
  REQUIRE(Eventually([&] { return runs == 1; }));
  task.Wake();
  REQUIRE(Eventually([&] { return runs == 2; }));
  task.Stop();
}

TEST_CASE("failures back off and a throwing step does not end the task", "[periodic_task]") {
  std::atomic<int> runs{0};
  PeriodicTask task({.name = "flaky", .interval = 1ms, .max_backoff = 64ms}, [&]() -> Outcome {
    if (++runs % 2 == 0) throw std::runtime_error("dependency down");
    return Outcome::kFailed;
  });
  const auto started = std::chrono::steady_clock::now();
  task.Start();
  // The second step threw; the task went on to a third.
  REQUIRE(Eventually([&] { return runs >= 3; }));
  std::this_thread::sleep_for(150ms);
  task.Stop();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // Waits of 1, 2, 4, 8, 16, 32, 64, 64 ms: about eight steps in 150 ms, where a 1 ms tick
  // would give over a hundred.
  const auto ticks = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  CHECK(runs <= 8 + ticks / 64);
  CHECK(task.steps() == runs);
}

TEST_CASE("Stop ends the wait at once and Start runs the task again", "[periodic_task]") {
  std::atomic<int> runs{0};
  PeriodicTask task({.name = "restartable", .interval = 1h}, [&] {
    ++runs;
    return Outcome::kIdle;
  });
  task.Start();
  REQUIRE(Eventually([&] { return runs == 1; }));
  const auto before = std::chrono::steady_clock::now();
  task.Stop();
  CHECK(std::chrono::steady_clock::now() - before < 5s);
  task.Stop();  // idempotent
  task.Start();
  REQUIRE(Eventually([&] { return runs == 2; }));
}

TEST_CASE("RequestStop returns during a step; the step is the last, and Stop joins",
          "[periodic_task]") {
  std::atomic<bool> release{false};
  std::atomic<int> runs{0};
  PeriodicTask task({.name = "long-step", .interval = 1ms}, [&] {
    ++runs;
    while (!release) std::this_thread::sleep_for(1ms);
    return Outcome::kMoreWork;
  });
  task.Start();
  REQUIRE(Eventually([&] { return runs == 1; }));
  // Returns although the step under way has not (a join here would never return).
  task.RequestStop();
  release = true;
  task.Stop();
  CHECK(runs == 1);  // kMoreWork would have run it again at once
}

}  // namespace
}  // namespace market
