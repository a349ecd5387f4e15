#include "market/pg/transaction.hpp"

#include <algorithm>
#include <random>
#include <string>
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

// One round trip fixes the transaction's mode before fn runs. The isolation level is always
// stated: a role-level default_transaction_isolation must not silently change the semantics.
// Without a deadline the pool's default bounds each statement, so none runs unbounded.
std::string SetupSql(const TxOptions& options, std::chrono::milliseconds default_timeout,
                     Clock::time_point now) {
  std::string sql = "SET TRANSACTION ISOLATION LEVEL ";
  sql += IsolationSql(options.isolation);
  sql += options.read_only ? " READ ONLY" : " READ WRITE";
  auto timeout = default_timeout;
  if (options.deadline != Clock::time_point::max()) {
    timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.deadline - now);
  }
  // 0 would mean "no limit".
  sql += "; SET LOCAL statement_timeout = " +
         std::to_string(std::max<std::int64_t>(timeout.count(), 1));
  if (options.work_mem_kb > 0) {
    sql += "; SET LOCAL work_mem = " + std::to_string(options.work_mem_kb);
  }
  if (options.generic_plans) sql += "; SET LOCAL plan_cache_mode = force_generic_plan";
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
    work.exec(SetupSql(options, pool.options().statement_timeout, Clock::now()));
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
