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
// constructible from a Status, as StatusOr is). A `run` that writes each batch in one
// transaction wraps it in TogetherOrAlone (below), so that a transaction failing as a whole
// fails no item that would succeed alone. With BatchCombinerMetrics, the combiner keeps a gauge
// of the calls queued or in a running batch and a histogram of the batch sizes.
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

#include "market/common/log.hpp"
#include "market/common/metrics.hpp"
#include "market/common/status.hpp"
#include "market/common/statusor.hpp"

namespace market {

struct BatchCombinerOptions {
  std::size_t max_batch = 32;
  std::size_t max_writers = 1;
};

struct BatchCombinerMetrics {
  metrics::Gauge* in_flight = nullptr;        // calls queued or in a running batch
  metrics::Histogram* batch_sizes = nullptr;  // items per batch
};

// For a batch `run` that writes the whole batch in one transaction, `together`: when that fails
// as a whole (a deadlock, a lost connection, the earliest deadline of the batch, one item's
// unexpected error), each item runs again as a batch of its own, so that an item fails only by
// what fails it alone.
template <typename Item, typename Result>
std::vector<Result> TogetherOrAlone(
    const std::vector<const Item*>& items,
    const std::function<StatusOr<std::vector<Result>>(const std::vector<const Item*>&)>& together) {
  StatusOr<std::vector<Result>> all = together(items);
  if (all.ok()) return std::move(*all);
  if (items.size() == 1) return {Result(all.status())};
  log::Info("a batch failed as a whole; its items run alone",
            {{"items", items.size()}, {"error", all.status().ToString()}});
  std::vector<Result> results;
  results.reserve(items.size());
  for (const Item* item : items) {
    StatusOr<std::vector<Result>> alone = together({item});
    results.push_back(alone.ok() ? std::move(alone->front()) : Result(alone.status()));
  }
  return results;
}

template <typename Item, typename Result>
class BatchCombiner {
 public:
  using KeyOf = std::function<std::string(const Item&)>;
  using Run = std::function<std::vector<Result>(const std::vector<const Item*>&)>;

  // Both limits are raised to at least 1.
  BatchCombiner(BatchCombinerOptions options, KeyOf key_of, Run run,
                BatchCombinerMetrics metrics = {})
      : max_batch_(std::max<std::size_t>(options.max_batch, 1)),
        max_writers_(std::max<std::size_t>(options.max_writers, 1)),
        key_of_(std::move(key_of)),
        run_(std::move(run)),
        metrics_(metrics) {}

  BatchCombiner(const BatchCombiner&) = delete;
  BatchCombiner& operator=(const BatchCombiner&) = delete;

  // Blocks until the item's batch has run; returns the item's result.
  Result Submit(Item item) {
    if (metrics_.in_flight != nullptr) metrics_.in_flight->Add(1);
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
    if (metrics_.in_flight != nullptr) metrics_.in_flight->Add(-1);
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
    if (metrics_.batch_sizes != nullptr) {
      metrics_.batch_sizes->Observe(static_cast<double>(batch.size()));
    }
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
  const BatchCombinerMetrics metrics_;

  std::mutex mutex_;
  std::deque<Slot*> waiting_;
  std::size_t writers_ = 0;
};

}  // namespace market
