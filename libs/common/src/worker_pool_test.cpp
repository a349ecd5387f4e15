#include "market/common/worker_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace market {
namespace {

using namespace std::chrono_literals;

// Holds tasks inside the pool until released, so a test controls how many threads are busy.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  // Blocks until `n` tasks sit in Wait(); fails the test after a generous timeout.
  bool AwaitWaiting(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST_CASE("tasks run on the pool's threads, never on the caller's", "[worker_pool]") {
  WorkerPool pool(3, 100);
  REQUIRE(pool.threads() == 3);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    REQUIRE(pool.TrySubmit([&] {
      {
        std::lock_guard lock(mutex);
        seen.insert(std::this_thread::get_id());
      }
      ++done;
    }));
  }
  pool.Shutdown();
  CHECK(done == 50);
  CHECK(seen.count(std::this_thread::get_id()) == 0);
  CHECK(seen.size() <= 3);
}

TEST_CASE("a full queue refuses work instead of growing", "[worker_pool]") {
  WorkerPool pool(2, 3);
  Gate gate;
  std::atomic<int> ran{0};
  auto blocking = [&] {
    gate.Wait();
    ++ran;
  };
  REQUIRE(pool.TrySubmit(blocking));
  REQUIRE(pool.TrySubmit(blocking));
  REQUIRE(gate.AwaitWaiting(2));
  CHECK(pool.busy() == 2);

  // Both threads are held: three tasks may wait, the fourth is refused.
  CHECK(pool.TrySubmit(blocking));
  CHECK(pool.TrySubmit(blocking));
  CHECK(pool.TrySubmit(blocking));
  CHECK(pool.queued() == 3);
  CHECK_FALSE(pool.TrySubmit(blocking));

  gate.Open();
  pool.Shutdown();
  CHECK(ran == 5);
}

TEST_CASE("with no queue a task is accepted only when a thread is idle", "[worker_pool]") {
  WorkerPool pool(1, 0);
  Gate gate;
  REQUIRE(pool.TrySubmit([&] { gate.Wait(); }));
  REQUIRE(gate.AwaitWaiting(1));
  CHECK_FALSE(pool.TrySubmit([] {}));
  gate.Open();
}

TEST_CASE("shutdown runs everything already queued, then refuses new work", "[worker_pool]") {
  WorkerPool pool(1, 100);
  Gate gate;
  std::atomic<int> ran{0};
  REQUIRE(pool.TrySubmit([&] { gate.Wait(); }));
  REQUIRE(gate.AwaitWaiting(1));
  for (int i = 0; i < 10; ++i) {
    REQUIRE(pool.TrySubmit([&] {
      std::this_thread::sleep_for(1ms);
      ++ran;
    }));
  }
  std::thread opener([&] {
    std::this_thread::sleep_for(20ms);
    gate.Open();
  });
  pool.Shutdown();
  opener.join();
  CHECK(ran == 10);
  CHECK(pool.queued() == 0);
  CHECK(pool.busy() == 0);
  CHECK_FALSE(pool.TrySubmit([] {}));
  pool.Shutdown();  // a second call is harmless
}

TEST_CASE("the destructor finishes queued work", "[worker_pool]") {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 20; ++i) REQUIRE(pool.TrySubmit([&] { ++ran; }));
  }
  CHECK(ran == 20);
}

TEST_CASE("a pool without threads is a wiring bug", "[worker_pool]") {
  CHECK_THROWS_AS(WorkerPool(0, 10), std::invalid_argument);
}

}  // namespace
}  // namespace market
