// BatchCombiner: many callers, each with one item, served by batches. A caller hands in its item
// and blocks; whichever waiting caller finds a writer place free becomes the writer: it takes
// the waiting items (its own among them, unless the key rule holds it back) as one batch, runs
// the batch, hands every caller of the batch its result, and leaves. So a database write made
// once per batch (a statement, a COMMIT and its fsync) is paid once for many calls, and no
// thread exists just to write: the callers take turns.
//
//   BatchCombiner<Call, StatusOr<Answer>> combiner(
//       {.max_batch = 32, .max_writers = 2},
//       [](const Call& call) { return call.freelancer_id; },
//       [&](const std::vector<const Call*>& calls) { return PlaceAll(calls); });
//   StatusOr<Answer> answer = combiner.Submit(std::move(call));
//
// Items with equal keys never share a batch: a writer runs them in separate batches, in the
// order they came. A batch holds at most max_batch items, and at most max_writers batches run at
// once. Batches grow by themselves under load: while the writers are busy, the calls arriving
// meanwhile queue up and form the next batch; a lone call runs at once as a batch of one.
//
// `run` returns one result per item, in the items' order. If it throws, or returns the wrong
// number of results, every caller of that batch gets an internal error (Result must be
// constructible from a Status, as StatusOr is).
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "market/common/status.hpp"

namespace market {

struct BatchCombinerOptions {
  std::size_t max_batch = 32;
  std::size_t max_writers = 1;
};

template <typename Item, typename Result>
class BatchCombiner {
 public:
  using KeyOf = std::function<std::string(const Item&)>;
  using Run = std::function<std::vector<Result>(const std::vector<const Item*>&)>;

  // Both limits are raised to at least 1.
  BatchCombiner(BatchCombinerOptions options, KeyOf key_of, Run run)
      : max_batch_(std::max<std::size_t>(options.max_batch, 1)),
        max_writers_(std::max<std::size_t>(options.max_writers, 1)),
        key_of_(std::move(key_of)),
        run_(std::move(run)) {}

  BatchCombiner(const BatchCombiner&) = delete;
  BatchCombiner& operator=(const BatchCombiner&) = delete;

  // Blocks until the item's batch has run; returns the item's result.
  Result Submit(Item item) {
    Slot slot{.item = std::move(item), .key = {}, .result = std::nullopt, .woken = {}};
    slot.key = key_of_(slot.item);
    std::unique_lock lock(mutex_);
    waiting_.push_back(&slot);
    while (!slot.result) {
      if (writers_ == max_writers_ || waiting_.empty()) {
        slot.woken.wait(lock);
        continue;
      }
      std::vector<Slot*> batch = TakeBatch();
      ++writers_;
      lock.unlock();
      std::vector<Result> results = RunBatch(batch);
      lock.lock();
      --writers_;
      // Only the callers with news wake: those of the batch, and the oldest waiting call, which
      // takes the writer place (unless this caller's own item still waits: it writes on).
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->result.emplace(std::move(results[i]));
        batch[i]->woken.notify_one();
      }
      if (slot.result && !waiting_.empty()) waiting_.front()->woken.notify_one();
    }
    return std::move(*slot.result);
  }

  // How many items wait for a batch (not those in a running batch).
  std::size_t Waiting() {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

 private:
  // Lives on its caller's stack; others touch it only under the mutex, which its caller holds
  // again before it returns, so nobody touches it after it is gone.
  struct Slot {
    Item item;
    std::string key;
    std::optional<Result> result;
    std::condition_variable woken;  // a result, or the writer place, may be this caller's
  };

  // The oldest waiting items, one per key, up to max_batch; called with the mutex held.
  std::vector<Slot*> TakeBatch() {
    std::vector<Slot*> batch;
    std::unordered_set<std::string> keys;
    for (auto it = waiting_.begin(); it != waiting_.end() && batch.size() < max_batch_;) {
      if (keys.insert((*it)->key).second) {
        batch.push_back(*it);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    return batch;
  }

  std::vector<Result> RunBatch(const std::vector<Slot*>& batch) {
    std::vector<const Item*> items;
    items.reserve(batch.size());
    for (const Slot* slot : batch) items.push_back(&slot->item);
    std::string failure;
    try {
      std::vector<Result> results = run_(items);
      if (results.size() == batch.size()) return results;
      failure = "a batch returned " + std::to_string(results.size()) + " results for " +
                std::to_string(batch.size()) + " items";
    } catch (const std::exception& error) {
      failure = std::string("a batch failed: ") + error.what();
    } catch (...) {
      failure = "a batch failed";
    }
    std::vector<Result> results;
    results.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(InternalError(failure));
    return results;
  }

  const std::size_t max_batch_;
  const std::size_t max_writers_;
  const KeyOf key_of_;
  const Run run_;

  std::mutex mutex_;
  std::deque<Slot*> waiting_;
  std::size_t writers_ = 0;
};

}  // namespace market
