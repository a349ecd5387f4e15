// InTransaction: runs a function in a database transaction taken from a Pool, with retries.
//
// The function receives a pqxx::work and returns Status or StatusOr<T>. OK commits; a non-OK
// Status rolls everything back and is returned unchanged, so domain checks made inside the
// transaction ("bid amount below the minimum") need no cleanup. Serialization failures and
// deadlocks re-run the function (up to max_attempts, with jittered backoff), and so does a
// connection lost before COMMIT (once, on a fresh connection): the function must be safe to re-run,
// i.e. touch nothing outside the transaction. Other database errors become Status values through
// StatusFromException.
//
//   market::pg::TxOptions options{.isolation = market::pg::Isolation::kSerializable,
//                                 .deadline = request.deadline};
//   market::StatusOr<std::int64_t> id = market::pg::InTransaction(
//       pool, options, [&](pqxx::work& work) -> market::StatusOr<std::int64_t> {
//         pqxx::row job = work.exec_params1(kSelectJobForUpdate, job_id);
//         if (job[0].as<std::string>() != "open") {
//           return market::FailedPreconditionError("job_id: the job is not open for bids");
//         }
//         return work.exec_params1(kInsertBid, job_id, amount)[0].as<std::int64_t>();
//       });
//
// Every statement is bounded: by the time left before a finite deadline (SET LOCAL
// statement_timeout), or else by the pool's default statement_timeout, which each pooled session
// starts with (PoolOptions). Running out of time yields deadline_exceeded. A transaction that
// asks for nothing but the sessions' defaults (read committed, read write, no deadline, the
// session's work_mem) costs no round trip beyond BEGIN, its statements and COMMIT.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

// Everything a transaction function uses: statements, results, rows and fields.
#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct TxOptions {
  Isolation isolation = Isolation::kReadCommitted;
  int max_attempts = 5;  // serialization failures and deadlocks retried, with jittered backoff
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool read_only = false;
  // Memory for each sort, hash and bitmap of this transaction's statements, in kB; 0 keeps the
  // session's (the server's default, 4 MB). For queries that gather many rows: a bitmap that
  // outgrows it turns lossy, and every row on a lossy page is read and checked again.
  int work_mem_kb = 0;
};

namespace internal {

Status RunTransaction(Pool& pool, const TxOptions& options,
                      const std::function<Status(pqxx::work&)>& body);

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<StatusOr<T>> : std::true_type {};

}  // namespace internal

template <typename Fn>
auto InTransaction(Pool& pool, const TxOptions& options, Fn&& fn) {
  using Result = std::invoke_result_t<Fn&, pqxx::work&>;
  if constexpr (std::is_same_v<Result, Status>) {
    return internal::RunTransaction(pool, options,
                                    [&fn](pqxx::work& work) -> Status { return fn(work); });
  } else {
    static_assert(internal::IsStatusOr<Result>::value,
                  "the transaction function must return Status or StatusOr<T>");
    std::optional<Result> value;
    Status status = internal::RunTransaction(pool, options, [&](pqxx::work& work) -> Status {
      value.reset();
      Result result = fn(work);
      if (!result.ok()) return result.status();
      value.emplace(std::move(result));
      return OkStatus();
    });
    if (!status.ok()) return Result(std::move(status));
    return std::move(*value);
  }
}

template <typename Fn>
auto InTransaction(Pool& pool, Fn&& fn) {
  return InTransaction(pool, TxOptions{}, std::forward<Fn>(fn));
}

}  // namespace market::pg
