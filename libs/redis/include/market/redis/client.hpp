// Client: a thread-safe pool of blocking hiredis connections where every call has a timeout and
// a Redis outage costs callers almost nothing.
//
// Redis is never the record here (DESIGN.md, "Data"): when it is slow or down, services keep
// serving from Postgres. So the Client's job is to fail fast and predictably:
//
//   market::redis::Client redis({.host = "127.0.0.1", .port = 6379});
//   auto cached = redis.Command({"GET", key});
//   if (!cached.ok()) return LoadFromPostgres();  // unavailable: Redis is down or slow
//   if (cached->is_nil()) return LoadFromPostgres();
//   return Decode(cached->text);
//
// How calls fail:
//   - unavailable: the transport failed (connect refused or timed out, connection reset, no reply
//     within the timeout, AUTH refused), or the server answered that it cannot serve anything
//     yet (LOADING its data after a restart, BUSY in a script, MASTERDOWN). Either opens a retry
//     window of Options::retry_after during which every call returns unavailable at once,
//     without touching the network; the first call after the window reconnects. Idle
//     connections are dropped then, because a Redis that restarted has closed them all.
//     Also unavailable, without a retry window: every pooled connection stayed busy for the
//     whole timeout.
//   - failed_precondition: Redis answered with an error reply ("WRONGTYPE ...", "NOGROUP ...").
//     The message is "redis: " followed by Redis's error text; test it with IsErrorReply. Redis
//     is healthy in this case and nothing is retried.
//
// Timeouts are socket timeouts (SO_RCVTIMEO/SO_SNDTIMEO): they bound every read and write, so a
// reply that never comes fails after the timeout. Blocking commands pass a longer timeout:
//
//   redis.Command({"XREADGROUP", "GROUP", g, c, "BLOCK", "1000", "STREAMS", s, ">"},
//                 std::chrono::milliseconds(1000) + redis.options().command_timeout);
//
// hiredis writes with write(2), which raises SIGPIPE on a connection Redis has closed; the Client
// blocks SIGPIPE on the calling thread for the duration of each call and discards one it raised,
// so the process is never killed by it and no process-wide signal disposition changes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/status.hpp"
#include "market/common/statusor.hpp"
#include "market/redis/reply.hpp"

namespace market::redis {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Sent with AUTH on every new connection when non-empty.
  std::string password;
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{500};
  // Connections kept open at most; a call waits (within its timeout) for a free one.
  std::size_t pool_size = 4;
  // After a transport failure, calls fail fast with unavailable for this long.
  std::chrono::milliseconds retry_after{1000};
};

class Connection;

class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command (each argument binary safe) and returns its reply, within
  // Options::command_timeout.
  StatusOr<Reply> Command(const std::vector<std::string>& args);
  // The same with a timeout of its own, for blocking commands (BLPOP, XREADGROUP BLOCK): it must
  // exceed the time the command may block.
  StatusOr<Reply> Command(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

  // Sends every command in one write and reads the replies, in order, in one round trip. Error
  // replies stay in the result as Replies of type kError: earlier commands may have run, so the
  // caller decides what a partial failure means. A transport failure fails the whole call.
  StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  // False during the retry window that follows a transport failure.
  bool Healthy() const;

  const Options& options() const { return options_; }

 private:
  using Clock = std::chrono::steady_clock;

  StatusOr<std::vector<Reply>> Execute(const std::vector<std::vector<std::string>>& commands,
                                       std::chrono::milliseconds timeout);
  StatusOr<std::unique_ptr<Connection>> Acquire(Clock::time_point deadline);
  void Release(std::unique_ptr<Connection> connection);
  void Discard();
  void MarkFailed(std::uint64_t generation);
  Status FailFastStatus() const;

  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;
  // Connections that exist, idle or lent out; never above options_.pool_size.
  std::size_t open_ = 0;
  // Bumped on every transport failure: connections opened before it are not reused.
  std::uint64_t generation_ = 0;
  std::atomic<Clock::rep> retry_at_{0};
};

// True when `status` carries an error reply of the given kind, e.g. IsErrorReply(s, "NOGROUP").
bool IsErrorReply(const Status& status, std::string_view kind);

}  // namespace market::redis
