#include "market/common/batch_combiner.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "market/common/statusor.hpp"

namespace market {
namespace {

using namespace std::chrono_literals;

struct Call {
  std::string key;
  int value = 0;
};
using Combiner = BatchCombiner<Call, StatusOr<int>>;

// Holds the first batch inside `run` until opened, so that the calls arriving meanwhile queue.
class Gate {
 public:
  void PassOrWait() {
    std::unique_lock lock(mutex_);
    if (passed_++ > 0) return;
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  bool AwaitEntered() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [this] { return entered_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int passed_ = 0;
  bool entered_ = false;
  bool open_ = false;
};

bool AwaitWaiting(Combiner& combiner, std::size_t n) {
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(1ms)) {
    if (combiner.Waiting() == n) return true;
  }
  return false;
}

std::vector<StatusOr<int>> Doubled(const std::vector<const Call*>& calls) {
  std::vector<StatusOr<int>> results;
  for (const Call* call : calls) results.emplace_back(call->value * 2);
  return results;
}

TEST_CASE("a lone call runs at once as a batch of one") {
  std::vector<std::size_t> sizes;
  Combiner combiner(
      {.max_batch = 8, .max_writers = 1}, [](const Call& c) { return c.key; },
      [&](const std::vector<const Call*>& calls) {
        sizes.push_back(calls.size());
        return Doubled(calls);
      });
  REQUIRE(combiner.Submit({"a", 21}).value() == 42);
  REQUIRE(combiner.Submit({"a", 5}).value() == 10);
  REQUIRE(sizes == std::vector<std::size_t>{1, 1});
}

TEST_CASE("calls that arrive while the writer is busy form the next batch, one per key") {
  Gate gate;
  std::mutex mutex;
  std::vector<std::set<std::string>> batches;
  Combiner combiner(
      {.max_batch = 3, .max_writers = 1}, [](const Call& c) { return c.key; },
      [&](const std::vector<const Call*>& calls) {
        gate.PassOrWait();
        std::lock_guard lock(mutex);
        std::set<std::string> keys;
        for (const Call* call : calls) keys.insert(call->key);
        CHECK(keys.size() == calls.size());
        batches.push_back(keys);
        return Doubled(calls);
      });
  std::vector<std::thread> callers;
  std::vector<int> answers(6, 0);
  callers.emplace_back([&] { answers[0] = combiner.Submit({"first", 0}).value(); });
  REQUIRE(gate.AwaitEntered());
  // While the first batch is held: four keys, "b" twice.
  const std::vector<std::string> keys = {"a", "b", "b", "c", "d"};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    callers.emplace_back([&, i] {
      answers[i + 1] = combiner.Submit({keys[i], static_cast<int>(i + 1)}).value();
    });
    REQUIRE(AwaitWaiting(combiner, i + 1));
  }
  gate.Open();
  for (auto& caller : callers) caller.join();

  for (int i = 0; i < 6; ++i) CHECK(answers[i] == i * 2);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0] == std::set<std::string>{"first"});
  // Oldest first, at most three, the second "b" held back for a later batch.
  CHECK(batches[1] == std::set<std::string>{"a", "b", "c"});
  CHECK(batches[2] == std::set<std::string>{"b", "d"});
}

TEST_CASE("no more batches run at once than there are writer places") {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> calls_run{0};
  Combiner combiner(
      {.max_batch = 4, .max_writers = 2}, [](const Call& c) { return c.key; },
      [&](const std::vector<const Call*>& calls) {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(2ms);
        calls_run += static_cast<int>(calls.size());
        --running;
        return Doubled(calls);
      });
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (combiner.Submit({std::to_string(t), t * 100 + i}).value() != (t * 100 + i) * 2) ++wrong;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  CHECK(wrong == 0);
  CHECK(calls_run == 160);
  CHECK(most.load() <= 2);
  CHECK(combiner.Waiting() == 0);
}

TEST_CASE("a batch that throws answers each of its callers with an internal error") {
  Combiner combiner(
      {.max_batch = 8, .max_writers = 1}, [](const Call& c) { return c.key; },
      [](const std::vector<const Call*>& calls) -> std::vector<StatusOr<int>> {
        if (calls[0]->value < 0) throw std::runtime_error("negative");
        return {};  // the wrong number of results
      });
  const StatusOr<int> thrown = combiner.Submit({"a", -1});
  REQUIRE(thrown.status().code() == StatusCode::kInternal);
  CHECK(thrown.status().message().find("negative") != std::string::npos);
  const StatusOr<int> short_answer = combiner.Submit({"a", 1});
  REQUIRE(short_answer.status().code() == StatusCode::kInternal);
  CHECK(short_answer.status().message().find("0 results for 1") != std::string::npos);
}

TEST_CASE("a batch failing as a whole runs its items alone, and only the bad one fails") {
  // Fails a whole batch that holds a negative value, as one bad row fails a transaction.
  std::vector<std::size_t> tries;
  const auto together =
      [&](const std::vector<const Call*>& calls) -> StatusOr<std::vector<StatusOr<int>>> {
    tries.push_back(calls.size());
    for (const Call* call : calls) {
      if (call->value < 0) return FailedPreconditionError("negative");
    }
    return Doubled(calls);
  };
  const Call good{"a", 1}, bad{"b", -1}, other{"c", 3};
  const std::vector<StatusOr<int>> results =
      TogetherOrAlone<Call, StatusOr<int>>({&good, &bad, &other}, together);
  REQUIRE(results.size() == 3);
  CHECK(results[0].value() == 2);
  CHECK(results[1].status().code() == StatusCode::kFailedPrecondition);
  CHECK(results[2].value() == 6);
  CHECK(tries == std::vector<std::size_t>{3, 1, 1, 1});
  // A whole batch that succeeds runs once; a lone item that fails is not tried again.
  tries.clear();
  CHECK(TogetherOrAlone<Call, StatusOr<int>>({&good, &other}, together).size() == 2);
  CHECK(TogetherOrAlone<Call, StatusOr<int>>({&bad}, together)[0].status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(tries == std::vector<std::size_t>{2, 1});
}

TEST_CASE("the combiner's metrics count calls in flight and items per batch") {
  metrics::Gauge in_flight;
  metrics::Histogram sizes({1, 2, 4});
  Combiner combiner(
      {.max_batch = 8, .max_writers = 1}, [](const Call& c) { return c.key; },
      [&](const std::vector<const Call*>& calls) {
        CHECK(in_flight.Value() >= 1);
        return Doubled(calls);
      },
      {.in_flight = &in_flight, .batch_sizes = &sizes});
  REQUIRE(combiner.Submit({"a", 1}).value() == 2);
  REQUIRE(combiner.Submit({"a", 2}).value() == 4);
  CHECK(in_flight.Value() == 0);
  const auto taken = sizes.Take();
  CHECK(taken.cumulative.back() == 2);
  CHECK(taken.sum == 2);
}

}  // namespace
}  // namespace market
