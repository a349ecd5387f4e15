// OutboxRelay: publishes a service's committed outbox rows to its Redis stream.
//
//   market::events::OutboxRelay relay(pool, redis, {.source = "escrow"});
//   relay.Start();   // a background PeriodicTask; Stop() (or the destructor) ends it
//
// Each step runs one Postgres transaction that takes a transaction-level advisory lock for the
// (schema, source) pair, so only one relay publishes at a time however many replicas run; locks
// up to batch_size unpublished rows in id order; XADDs them to StreamName(source) in one
// pipelined round trip; and marks exactly those rows published before committing. Stream
// entries carry two fields: "event_id" and "envelope" (a serialized
// market.events.v1.EventEnvelope).
//
// Failure windows, and why nothing is lost or applied twice:
//   - Redis down or slow: the XADDs fail, the transaction rolls back, the rows stay unpublished
//     in Postgres. While the Redis client is in its retry window a step returns unavailable at
//     once, without opening a transaction; the background thread retries every poll_interval.
//   - The relay dies (or its commit fails) after XADD: the rows are still unpublished, so the
//     next step publishes them again. The stream then holds the same event_id twice; consumers
//     apply an event_id once per group (consumer.hpp), so the effect is unchanged.
//   - Redis restarts: our Redis persists with appendonly + appendfsync always
//     (deploy/local/infra.sh), so every acknowledged XADD, the stream and its groups survive.
//   - Redis loses its data anyway (a lost disk): published rows are kept for keep_published, so
//     an operator can clear published_at on the affected range and the relay publishes it again.
//
// Order: entries reach the stream in outbox id order within a step and across steps. Ids are
// taken at insert, not at commit, so a transaction that commits late can publish after a higher
// id; two events about one aggregate stay in order when the writer locks the aggregate's row
// before it enqueues (the usual shape of a state change).
//
// Trimming: XADD trims the stream to about max_stream_length entries. An entry trimmed before a
// group read it is lost to that group, so size it above the backlog of the longest consumer
// outage you intend to survive (the default keeps a million).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "market/common/periodic_task.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"

namespace market::events {

struct RelayOptions {
  std::string source;
  std::size_t batch_size = 100;
  // How long the background thread sleeps when there was nothing to publish or a step failed.
  std::chrono::milliseconds poll_interval{200};
  std::size_t max_stream_length = 1000000;
  // Published rows older than this are deleted by the background thread, about once an hour.
  std::chrono::hours keep_published{24 * 7};
};

class OutboxRelay {
 public:
  OutboxRelay(pg::Pool& pool, redis::Client& redis, RelayOptions options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // One step: publishes up to batch_size rows and returns how many. 0 also when another relay
  // holds the lock. unavailable when Redis is down; the rows then stay unpublished.
  StatusOr<std::size_t> PublishBatch();

  // Deletes published rows older than keep_published; returns how many.
  StatusOr<std::size_t> PurgePublished();

  // Runs steps on a background thread until Stop(): back to back while full batches come, every
  // poll_interval otherwise, backing off while they fail. Failures are logged once per outage,
  // not once per step.
  void Start();
  void Stop();
  // Stop() without waiting for the step under way (PeriodicTask::RequestStop).
  void RequestStop();

 private:
  PeriodicTask::Outcome Step();

  pg::Pool& pool_;
  redis::Client& redis_;
  const RelayOptions options_;
  const std::string stream_;
  // Touched only by steps, which never overlap.
  bool failing_ = false;
  std::chrono::steady_clock::time_point next_purge_{};
  // Last member: destroyed (so stopped) before anything its steps use.
  PeriodicTask task_;
};

}  // namespace market::events
