// Retention of a consumer group's bookkeeping: processed_events and dead_events would otherwise
// grow by one row per event for ever.
//
//   auto pruned = market::events::PruneConsumed(pool, "reputation", {});
//   if (pruned.ok()) log::Info("pruned", {{"processed", pruned->processed}});
//
// Consumer runs it about once an hour (consumer.hpp); it can also be called on its own.
//
// Why deleting old processed_events rows keeps the effect exactly once: a row is only needed
// while a copy of its event can still be delivered to the group. Copies come from
//   - an entry left pending after its transaction committed (the consumer died before XACK): it
//     is read again when that consumer restarts, or claimed by a live one after reclaim_idle
//     (30 s by default);
//   - the relay publishing a row twice (it died between XADD and COMMIT): the second copy
//     follows at its next step, seconds later;
//   - an operator re-publishing a range of the outbox after a Redis data loss: only rows the
//     relay still keeps, keep_published (7 days by default).
// keep_processed (14 days by default) must stay longer than all of these; the first prune of a
// Consumer waits an hour after it starts, so the entries it had pending are settled first. A
// group deleted and re-created by hand on a stream that still holds entries older than
// keep_processed would apply those again: create a new group under a new name instead.
//
// dead_events are kept longer (90 days) because an operator reads them to decide what to
// re-publish; nothing depends on them for correctness.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::events {

struct RetentionOptions {
  std::chrono::hours keep_processed{24 * 14};
  std::chrono::hours keep_dead{24 * 90};
  // Rows deleted per transaction, so a large backlog never holds locks for long; a call deletes
  // at most max_batches of them per table and leaves the rest to the next one.
  std::size_t batch_size = 5000;
  std::size_t max_batches = 100;
};

struct Pruned {
  std::size_t processed = 0;
  std::size_t dead = 0;
};

// invalid_argument when keep_processed is under a day or keep_dead is shorter than it, since
// either would break what the overview above promises.
Status ValidateRetention(const RetentionOptions& options);

// Deletes the group's processed_events older than keep_processed and dead_events older than
// keep_dead, in batches. A failure stops the call; what it deleted so far stays deleted.
StatusOr<Pruned> PruneConsumed(pg::Pool& pool, std::string_view group,
                               const RetentionOptions& options);

}  // namespace market::events
