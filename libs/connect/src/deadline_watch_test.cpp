#include "deadline_watch.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

namespace market::connect::internal {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Recorder final : public DeadlineWatch::Timed {
 public:
  void OnDeadline() override {
    fired_at = Clock::now();
    fired = true;
  }
  std::atomic<bool> fired{false};
  Clock::time_point fired_at;
};

bool WaitFor(const std::atomic<bool>& flag, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!flag && Clock::now() < until) std::this_thread::sleep_for(1ms);
  return flag;
}

TEST_CASE("an armed call fires at its deadline, not before", "[deadline_watch]") {
  DeadlineWatch watch;
  auto late = std::make_shared<Recorder>();
  auto early = std::make_shared<Recorder>();
  const auto start = Clock::now();
  watch.Arm(late, start + 120ms);
  watch.Arm(early, start + 40ms);
  CHECK(watch.armed() == 2);

  REQUIRE(WaitFor(early->fired, 2000ms));
  CHECK(early->fired_at >= start + 40ms);
  CHECK_FALSE(late->fired);
  REQUIRE(WaitFor(late->fired, 2000ms));
  CHECK(late->fired_at >= start + 120ms);
  CHECK(watch.armed() == 0);
}

TEST_CASE("a disarmed call never fires and is released", "[deadline_watch]") {
  DeadlineWatch watch;
  auto call = std::make_shared<Recorder>();
  watch.Arm(call, Clock::now() + 30ms);
  CHECK(call.use_count() == 2);
  watch.Disarm(*call);
  CHECK(call.use_count() == 1);
  CHECK(watch.armed() == 0);
  std::this_thread::sleep_for(80ms);
  CHECK_FALSE(call->fired);
  watch.Disarm(*call);  // harmless a second time
}

TEST_CASE("a deadline already past fires at once", "[deadline_watch]") {
  DeadlineWatch watch;
  auto call = std::make_shared<Recorder>();
  watch.Arm(call, Clock::now() - 1s);
  CHECK(WaitFor(call->fired, 1000ms));
}

}  // namespace
}  // namespace market::connect::internal
