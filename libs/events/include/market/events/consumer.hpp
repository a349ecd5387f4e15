// Consumer: applies the events of one stream exactly once per consumer group.
//
//   market::events::Consumer consumer(
//       pool, redis,
//       {.stream = market::events::StreamName("escrow"), .group = "reputation",
//        .consumer_name = hostname},
//       [](pqxx::work& tx, const market::events::v1::EventEnvelope& event) -> market::Status {
//         market::escrow::v1::MilestoneReleased released;
//         if (!event.payload().UnpackTo(&released)) return market::OkStatus();  // not ours
//         tx.exec_params(kCountOutcome, released.contract_id());
//         return market::OkStatus();
//       });
//   consumer.Start();
//
// Delivery is at least once (Redis Streams consumer groups); the effect is exactly once because
// the handler runs in a Postgres transaction that also inserts (group, event_id) into
// processed_events. An event_id already there is a redelivery: the handler is skipped and the
// entry acknowledged. Entries are acknowledged (XACK) only after their transaction committed.
//
// Failure windows:
//   - Killed after commit, before XACK: the entries stay pending for this consumer name; the
//     next run (same name) re-reads its pending entries first, finds them in processed_events,
//     and acknowledges them without running the handler.
//   - Killed for good, or the name never returns: entries pending longer than reclaim_idle in
//     any consumer of the group are claimed (XAUTOCLAIM) by the live ones. Two consumers racing
//     on one event serialise on the processed_events primary key; only one applies it.
//   - Duplicates on the stream (a relay that died after XADD, see outbox_relay.hpp): the second
//     copy carries the same event_id and is skipped.
//   - Redis down: steps return unavailable (at once during the client's retry window) and the
//     background thread backs off; nothing is acknowledged, nothing is lost. Redis restarted:
//     streams, groups and pending lists survive (appendonly, appendfsync always). A group that
//     is missing (NOGROUP: first start, or a Redis that lost its data) is created with MKSTREAM
//     from the start of the stream, so a new group also applies the events already retained.
//   - Postgres down: the transaction fails, the entry stays pending and is retried.
//
// A handler that returns non-OK (or throws) aborts its transaction; the entry is not
// acknowledged and is retried after retry_interval, while newer entries keep flowing, so events
// can be applied out of order around a failure. Failures with a transient code (unavailable,
// deadline_exceeded, aborted, resource_exhausted) are retried for as long as they last: they
// say a dependency is down, not that the event is bad. Any other failure counts as an attempt;
// after max_attempts the entry is a poison message: it is written to dead_events (with the
// envelope and the last error) and acknowledged, so it cannot block its group forever. An entry
// whose envelope cannot be read is dead-lettered at once. Attempts are counted in memory, so a
// restart gives a poison message a fresh max_attempts.
//
// Retention: the background task deletes the group's processed_events and dead_events past
// their retention (retention.hpp, which says why that keeps the effect exactly once) about once
// an hour, the first time an hour after Start().
//
// PollOnce and the background thread must not run at the same time on one Consumer.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <pqxx/transaction>

#include "market/common/periodic_task.hpp"
#include "market/common/status.hpp"
#include "market/common/statusor.hpp"
#include "market/events/retention.hpp"
#include "market/events/v1/events.pb.h"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"

namespace market::events {

struct StreamEntry;

using EventHandler =
    std::function<Status(pqxx::work& tx, const market::events::v1::EventEnvelope& event)>;

struct ConsumerOptions {
  std::string stream;
  std::string group;
  // Unique per process and stable across its restarts (a pod name), so that a restarted
  // consumer finds the entries it had pending.
  std::string consumer_name;
  std::size_t batch_size = 100;
  // How long one read waits for new entries. A read under way also holds up Stop() (a drain, a
  // restart) by as much; new entries end the wait at once, so a short wait costs an idle
  // consumer a few cheap reads a second and delays nothing.
  std::chrono::milliseconds block{200};
  // Entries pending this long in another consumer are claimed by this one.
  std::chrono::milliseconds reclaim_idle{30000};
  // How long a failed entry waits before it is tried again.
  std::chrono::milliseconds retry_interval{1000};
  // Failed attempts (non-transient codes) before an entry goes to dead_events.
  int max_attempts = 10;
  // How long processed_events and dead_events rows are kept (retention.hpp).
  RetentionOptions retention{};
};

class Consumer {
 public:
  Consumer(pg::Pool& pool, redis::Client& redis, ConsumerOptions options, EventHandler handler);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // One step: retries this consumer's pending entries when due, claims entries idle in other
  // consumers when due, then reads new entries (blocking up to `block` when nothing else was
  // done). Returns the number of entries settled: applied, skipped as already applied, or
  // dead-lettered. A non-OK status means the step stopped early; what it did not settle stays
  // pending and is retried.
  StatusOr<std::size_t> PollOnce();

  // Deletes this group's processed_events and dead_events past options.retention.
  StatusOr<Pruned> PruneProcessed();

  // Runs steps on a background PeriodicTask until Stop(), backing off while a step fails.
  // Stop() returns once the current read ends, within `block` plus the Redis command timeout.
  void Start();
  void Stop();
  // Stop() without waiting for the read under way (PeriodicTask::RequestStop).
  void RequestStop();

 private:
  using Clock = std::chrono::steady_clock;

  Status EnsureGroup();
  StatusOr<redis::Reply> Read(const std::vector<std::string>& command,
                              std::chrono::milliseconds timeout);
  StatusOr<std::size_t> ReadPending();
  StatusOr<std::size_t> Reclaim();
  StatusOr<std::size_t> ReadNew(bool block);
  StatusOr<std::size_t> Settle(const std::vector<StreamEntry>& entries);
  StatusOr<bool> Apply(const market::events::v1::EventEnvelope& event);
  Status DeadLetter(const StreamEntry& entry, const std::string& event_id, const Status& error,
                    int attempts);
  Status Acknowledge(const std::vector<std::string>& entry_ids);
  void Forget();
  PeriodicTask::Outcome Step();

  pg::Pool& pool_;
  redis::Client& redis_;
  const ConsumerOptions options_;
  const EventHandler handler_;

  bool group_ready_ = false;
  // This consumer's pending entries are read in pages from pending_cursor_ when pending_due_
  // comes: at start, after a failure, and every retry_interval while an entry keeps failing.
  Clock::time_point pending_due_ = Clock::time_point::min();
  std::string pending_cursor_ = "0";
  bool pending_failed_ = false;
  Clock::time_point reclaim_due_ = Clock::time_point::min();
  std::string reclaim_cursor_ = "0-0";
  // Failed attempts per stream entry id, for the entries this consumer has pending.
  std::map<std::string, int> attempts_;
  // The entries seen so far in the current pass over the pending list.
  std::set<std::string> pass_seen_;

  bool failing_ = false;
  // When the background task next prunes (retention.hpp); set by Start().
  Clock::time_point next_prune_ = Clock::time_point::max();

  // Last member: destroyed (so stopped) before anything its steps use.
  PeriodicTask task_;
};

}  // namespace market::events
