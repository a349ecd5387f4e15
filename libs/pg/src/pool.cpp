#include "market/pg/pool.hpp"

#include <pqxx/errorhandler>
#include <pqxx/nontransaction>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "market/pg/conninfo.hpp"
#include "market/pg/errors.hpp"

#if defined(__SANITIZE_ADDRESS__)
// libpqxx 6.4.5 leaks libpq's error result whenever a statement finds its connection lost
// (reproducible with libpqxx alone, without this project). Every program using the pool would
// otherwise fail LeakSanitizer the first time a connection dies.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpq.so\n"; }
#endif

namespace market::pg {

namespace internal {

// The quiet handler keeps server notices ("relation already exists, skipping") off stderr,
// where they would break the JSON log stream; it must be destroyed before its connection.
struct PoolEntry {
  explicit PoolEntry(const std::string& conninfo) : connection(conninfo), quiet(connection) {}

  pqxx::connection connection;
  pqxx::quiet_errorhandler quiet;
  std::chrono::steady_clock::time_point idle_since = std::chrono::steady_clock::now();
};

}  // namespace internal

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kExhaustedMessage[] = "database busy: no connection free in time; retry";
constexpr char kUnreachableMessage[] = "database unavailable; retry";

// libpq takes whole seconds and treats anything below 2 as 2.
std::string ConnectTimeoutSeconds(std::chrono::milliseconds timeout) {
  const auto seconds = (timeout.count() + 999) / 1000;
  return std::to_string(std::max<std::int64_t>(seconds, 2));
}

// The settings every session of the pool starts with, sent with the connection's start-up
// packet (so they cost no round trip, and they override role- and database-level defaults):
// InTransaction then sends a setting only when a transaction needs another value. The DSN's own
// `options` come first and are kept.
std::string SessionOptions(const PoolOptions& options) {
  std::string session = ConninfoValue(options.dsn, "options");
  if (!session.empty()) session += ' ';
  // libpq splits the options at spaces that no backslash escapes.
  session += "-c default_transaction_isolation=read\\ committed";
  session += " -c default_transaction_read_only=off";
  session += " -c statement_timeout=" + std::to_string(options.statement_timeout.count());
  if (options.generic_plans) session += " -c plan_cache_mode=force_generic_plan";
  return session;
}

// Waiting longer than this is a configuration mistake; capping avoids overflowing time_point.
constexpr std::chrono::hours kLongestWait{24};

}  // namespace

PoolOptions BatchWriterPoolOptions(PoolOptions shared, std::size_t writers) {
  shared.max_connections = std::max<std::size_t>(writers, 1);
  shared.generic_plans = true;
  return shared;
}

PooledConnection::PooledConnection(Pool* pool, std::unique_ptr<internal::PoolEntry> entry)
    : pool_(pool), entry_(std::move(entry)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      entry_(std::move(other.entry_)),
      broken_(std::exchange(other.broken_, false)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    entry_ = std::move(other.entry_);
    broken_ = std::exchange(other.broken_, false);
  }
  return *this;
}

PooledConnection::~PooledConnection() { Release(); }

pqxx::connection& PooledConnection::operator*() { return entry_->connection; }
pqxx::connection* PooledConnection::operator->() { return &entry_->connection; }

void PooledConnection::MarkBroken() { broken_ = true; }

void PooledConnection::Release() noexcept {
  if (pool_ != nullptr && entry_ != nullptr) pool_->Return(std::move(entry_), broken_);
  pool_ = nullptr;
  entry_.reset();
}

Status Pool::ValidateOptions(const PoolOptions& options) {
  if (options.max_connections == 0) {
    return InvalidArgumentError("database max_connections: must be at least 1");
  }
  if (options.acquire_timeout.count() < 0) {
    return InvalidArgumentError("database acquire_timeout: must not be negative");
  }
  if (options.connect_timeout.count() <= 0) {
    return InvalidArgumentError("database connect_timeout: must be positive");
  }
  // 0 would mean "no limit" to PostgreSQL: exactly what the default is there to prevent.
  if (options.statement_timeout.count() <= 0) {
    return InvalidArgumentError("database statement_timeout: must be positive");
  }
  return OverrideConninfo(options.dsn, {}).status();
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  const Status valid = ValidateOptions(options_);
  if (!valid.ok()) throw std::invalid_argument(valid.message());
  auto conninfo = OverrideConninfo(
      options_.dsn, {{"connect_timeout", ConnectTimeoutSeconds(options_.connect_timeout)},
                     {"options", SessionOptions(options_)}});
  conninfo_ = std::move(conninfo).value();
}

Pool::~Pool() = default;

StatusOr<PooledConnection> Pool::Acquire(Clock::time_point deadline) {
  const auto now = Clock::now();
  const auto wait_limit = now + std::min<Clock::duration>(options_.acquire_timeout, kLongestWait);
  const auto give_up_at = std::min(deadline, wait_limit);

  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      // The most recently returned connection is the likeliest to still be alive.
      Entry entry = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      lock.unlock();
      if (StillWorks(*entry)) return PooledConnection(this, std::move(entry));
      Return(std::move(entry), /*broken=*/true);
      lock.lock();
      continue;
    }
    if (in_use_ < options_.max_connections) {
      ++in_use_;
      lock.unlock();
      StatusOr<Entry> opened = Open();
      lock.lock();
      if (!opened.ok()) {
        --in_use_;
        ++connect_failures_;
        returned_.notify_one();
        return opened.status();
      }
      ++created_;
      return PooledConnection(this, std::move(opened).value());
    }
    if (Clock::now() >= give_up_at ||
        returned_.wait_until(lock, give_up_at) == std::cv_status::timeout) {
      if (!idle_.empty() || in_use_ < options_.max_connections) continue;
      ++waits_timed_out_;
      return UnavailableError(kExhaustedMessage);
    }
  }
}

StatusOr<Pool::Entry> Pool::Open() {
  try {
    return std::make_unique<internal::PoolEntry>(conninfo_);
  } catch (const std::exception& error) {
    // Refused, unreachable, bad password, too many connections: all look the same to a caller.
    const Status status = StatusFromException(error);
    if (status.code() == StatusCode::kInternal) return UnavailableError(kUnreachableMessage);
    return status;
  }
}

bool Pool::StillWorks(internal::PoolEntry& entry) {
  if (!entry.connection.is_open()) return false;
  if (Clock::now() - entry.idle_since < options_.validate_after_idle) return true;
  try {
    pqxx::nontransaction probe(entry.connection);
    probe.exec("SELECT 1");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<Pool::Entry> Pool::DiscardLocked(Entry entry) {
  std::vector<Entry> doomed = std::move(idle_);
  idle_.clear();
  doomed.push_back(std::move(entry));
  broken_ += 1;
  returned_.notify_all();
  return doomed;
}

void Pool::Return(Entry entry, bool broken) noexcept {
  std::vector<Entry> doomed;
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (broken || !entry->connection.is_open()) {
      doomed = DiscardLocked(std::move(entry));
    } else {
      entry->idle_since = Clock::now();
      idle_.push_back(std::move(entry));
      returned_.notify_one();
    }
  }
}

PoolStats Pool::Stats() const {
  std::lock_guard lock(mutex_);
  PoolStats stats;
  stats.max = options_.max_connections;
  stats.in_use = in_use_;
  stats.idle = idle_.size();
  stats.created = created_;
  stats.broken = broken_;
  stats.waits_timed_out = waits_timed_out_;
  stats.connect_failures = connect_failures_;
  return stats;
}

Status Pool::Ping() {
  auto connection = Acquire();
  if (!connection.ok()) return connection.status();
  try {
    pqxx::nontransaction probe(**connection);
    probe.exec("SELECT 1");
    return OkStatus();
  } catch (const std::exception& error) {
    if (ShouldDiscardConnection(error)) connection->MarkBroken();
    return StatusFromException(error);
  }
}

}  // namespace market::pg
