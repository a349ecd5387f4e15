#include "market/pg/transaction.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "market/common/log.hpp"
#include "market/pg/errors.hpp"

namespace market::pg::internal {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstBackoff{5};
constexpr std::chrono::milliseconds kMaxBackoff{250};

enum class Retry { kNo, kConflict, kReconnect };

struct Attempt {
  Status status;
  Retry retry = Retry::kNo;
};

const char* IsolationSql(Isolation isolation) {
  switch (isolation) {
    case Isolation::kRepeatableRead:
      return "REPEATABLE READ";
    case Isolation::kSerializable:
      return "SERIALIZABLE";
    case Isolation::kReadCommitted:
      break;
  }
  return "READ COMMITTED";
}

// What this transaction needs beyond the settings every pooled session starts with (Pool:
// read committed, read write, the pool's statement_timeout, its plan mode), as one round trip,
// or "" when it needs nothing. The isolation level and access mode are set for the session
// when it opens, over any role-level default, so a role's settings never change them silently.
std::string SetupSql(const TxOptions& options, Clock::time_point now) {
  std::string sql;
  auto add = [&sql](std::string_view statement) {
    if (!sql.empty()) sql += "; ";
    sql += statement;
  };
  if (options.isolation != Isolation::kReadCommitted || options.read_only) {
    add(std::string("SET TRANSACTION ISOLATION LEVEL ") + IsolationSql(options.isolation) +
        (options.read_only ? " READ ONLY" : " READ WRITE"));
  }
  if (options.deadline != Clock::time_point::max()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(options.deadline - now);
    // 0 would mean "no limit".
    add("SET LOCAL statement_timeout = " + std::to_string(std::max<std::int64_t>(left.count(), 1)));
  }
  if (options.work_mem_kb > 0) {
    add("SET LOCAL work_mem = " + std::to_string(options.work_mem_kb));
  }
  return sql;
}

// Internal errors and lost connections need an operator's attention; the caller only sees a
// generic Status. The SQLSTATE and exception type identify the failure without the server's
// text, which may quote user data.
void LogUnexpected(const std::exception& error, const Status& status) {
  if (status.code() == StatusCode::kInternal) {
    log::Error("database transaction failed",
               {{"sqlstate", SqlState(error)}, {"exception", log::ExceptionType(error)}});
  } else if (ShouldDiscardConnection(error)) {
    log::Warn("database connection lost", {{"code", CodeName(status.code())}});
  }
}

// The connection goes back to the pool when this returns, before any backoff sleep.
Attempt RunOnce(Pool& pool, const TxOptions& options,
                const std::function<Status(pqxx::work&)>& body) {
  auto acquired = pool.Acquire(options.deadline);
  if (!acquired.ok()) return {acquired.status(), Retry::kNo};
  PooledConnection& connection = *acquired;
  try {
    pqxx::work work(*connection);
    if (const std::string setup = SetupSql(options, Clock::now()); !setup.empty()) {
      work.exec(setup);
    }
    Status status = body(work);
    if (!status.ok()) {
      try {
        work.abort();
      } catch (const std::exception&) {
        // The server rolls back on its own when the session dies; only the connection is lost.
        connection.MarkBroken();
      }
      return {std::move(status), Retry::kNo};
    }
    work.commit();
    return {OkStatus(), Retry::kNo};
  } catch (const std::exception& error) {
    if (ShouldDiscardConnection(error)) connection.MarkBroken();
    Retry retry = Retry::kNo;
    if (IsRetryable(error)) {
      retry = Retry::kConflict;
    } else if (IsConnectionLost(error)) {
      retry = Retry::kReconnect;
    }
    Status status = StatusFromException(error);
    LogUnexpected(error, status);
    return {std::move(status), retry};
  }
}

// Full jitter over an exponentially growing window spreads out transactions that just collided.
Clock::duration Backoff(int conflicts) {
  thread_local std::minstd_rand random(std::random_device{}());
  const auto window = std::min<std::chrono::milliseconds>(
      kFirstBackoff * (1 << std::min(conflicts, 10)), kMaxBackoff);
  std::uniform_int_distribution<std::int64_t> pick(1, window.count());
  return std::chrono::milliseconds(pick(random));
}

Status DeadlineExceeded() { return DeadlineExceededError("database deadline exceeded"); }

}  // namespace

Status RunTransaction(Pool& pool, const TxOptions& options,
                      const std::function<Status(pqxx::work&)>& body) {
  const int max_attempts = std::max(options.max_attempts, 1);
  int conflicts = 0;
  bool reconnected = false;
  while (true) {
    if (Clock::now() >= options.deadline) return DeadlineExceeded();
    Attempt attempt = RunOnce(pool, options, body);
    switch (attempt.retry) {
      case Retry::kNo:
        return attempt.status;
      case Retry::kReconnect:
        if (reconnected) return attempt.status;
        reconnected = true;
        continue;
      case Retry::kConflict:
        if (++conflicts >= max_attempts) return attempt.status;
        break;
    }
    const auto pause = Backoff(conflicts);
    if (options.deadline != Clock::time_point::max() && Clock::now() + pause >= options.deadline) {
      return attempt.status;
    }
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace market::pg::internal
