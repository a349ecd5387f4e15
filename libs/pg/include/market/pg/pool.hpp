// Pool: a bounded, thread-safe set of PostgreSQL connections shared by a service's workers.
//
// Connections open lazily, up to max_connections. Acquire waits for a free one up to
// acquire_timeout (or the caller's deadline, whichever is sooner) and then reports `unavailable`,
// so an overloaded database turns into quick errors instead of an unbounded queue. A connection
// idle for longer than validate_after_idle is checked with "SELECT 1" before reuse; a broken one
// is discarded together with the other idle ones, because a lost connection usually means the
// server restarted and the rest are dead too. New connections are opened on demand afterwards.
//
//   market::pg::Pool pool({.dsn = config.database_url, .max_connections = 16});
//   MARKET_ASSIGN_OR_RETURN(auto connection, pool.Acquire(deadline));
//   pqxx::nontransaction query(*connection);
//
// Most code does not acquire connections itself: InTransaction (transaction.hpp) does, retries
// conflicts and discards broken connections. A pool must outlive every PooledConnection taken
// from it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "market/common/statusor.hpp"

namespace market::pg {

struct PoolOptions {
  std::string dsn;  // libpq conninfo or URI
  std::size_t max_connections = 8;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds validate_after_idle{10000};  // idle longer -> "SELECT 1" before reuse
  std::chrono::milliseconds connect_timeout{3000};
  // The statement_timeout of every InTransaction without a deadline of its own (event consumers,
  // background jobs, calls whose caller set no Connect-Timeout-Ms), so that no statement can run
  // unbounded: a stuck query or a lock wait ends with deadline_exceeded instead of holding a
  // connection and a worker forever.
  std::chrono::milliseconds statement_timeout{5000};
  // Every session of this pool plans each prepared statement once for any values
  // (plan_cache_mode = force_generic_plan) instead of again at every execution. PostgreSQL plans
  // a statement afresh for its values until a generic plan looks no dearer, and with array
  // parameters (batches: "id = ANY ($1)", unnest) it often never does. Only for a pool whose
  // statements all have a best plan that does not depend on their values: a batch writer's own.
  bool generic_plans = false;
};

// The options of a pool of its own for `writers` batch writers (market/common/batch_combiner.hpp),
// made from the service's: one connection per writer, so that no other call ever takes a
// writer's connection, and generic plans, since a batch's statements take arrays and are planned
// once for any.
PoolOptions BatchWriterPoolOptions(PoolOptions shared, std::size_t writers);

struct PoolStats {
  std::size_t max = 0, in_use = 0, idle = 0;
  std::uint64_t created = 0, broken = 0, waits_timed_out = 0;
  std::uint64_t connect_failures = 0;
};

class Pool;

namespace internal {
struct PoolEntry;
}

// A connection borrowed from a Pool; returned to it on destruction. Move-only.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  pqxx::connection& operator*();
  pqxx::connection* operator->();

  // The connection is closed instead of returned: call after an error that leaves its session
  // in an unknown state.
  void MarkBroken();

 private:
  friend class Pool;
  PooledConnection(Pool* pool, std::unique_ptr<internal::PoolEntry> entry);
  void Release() noexcept;

  Pool* pool_ = nullptr;
  std::unique_ptr<internal::PoolEntry> entry_;
  bool broken_ = false;
};

class Pool {
 public:
  // Throws std::invalid_argument when options fail ValidateOptions: a bad DSN is a configuration
  // error to stop on at start-up.
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // invalid_argument naming the bad option (the DSN itself is never repeated).
  static Status ValidateOptions(const PoolOptions& options);

  // A connection, or `unavailable` when the server cannot be reached or every connection stays
  // busy past acquire_timeout or `deadline`. Opening a new connection is bounded by
  // connect_timeout rather than `deadline` (libpq counts whole seconds).
  StatusOr<PooledConnection> Acquire(std::chrono::steady_clock::time_point deadline =
                                         std::chrono::steady_clock::time_point::max());

  PoolStats Stats() const;
  const PoolOptions& options() const { return options_; }

  // "SELECT 1" through the pool, for readiness probes.
  Status Ping();

 private:
  friend class PooledConnection;
  using Entry = std::unique_ptr<internal::PoolEntry>;

  StatusOr<Entry> Open();
  bool StillWorks(internal::PoolEntry& entry);
  void Return(Entry entry, bool broken) noexcept;
  // Drops an unusable connection and every idle one; caller holds mutex_. The connections are
  // closed by the caller after unlocking, since closing talks to the server.
  std::vector<Entry> DiscardLocked(Entry entry);

  const PoolOptions options_;
  std::string conninfo_;

  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Entry> idle_;  // most recently returned last
  std::size_t in_use_ = 0;   // handed out or being opened
  std::uint64_t created_ = 0;
  std::uint64_t broken_ = 0;
  std::uint64_t waits_timed_out_ = 0;
  std::uint64_t connect_failures_ = 0;
};

}  // namespace market::pg
