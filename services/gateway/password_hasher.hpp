// PasswordHasher: scrypt on a small pool of its own, so that hashing cannot take the workers
// that serve everything else.
//
// A scrypt hash costs ~32 MiB and 50-100 ms of a core by design. On the server's shared workers
// a flood of registrations or logins would hold every one of them and starve proxied calls.
// Here at most `threads` hashes run at once and at most `max_queued` wait; beyond that a call
// is refused at once with resource_exhausted and a google.rpc.RetryInfo, instead of queuing
// for longer than anyone would wait.
//
//   PasswordHasher hasher({.threads = 2, .max_queued = 4});
//   MARKET_ASSIGN_OR_RETURN(std::string hash, hasher.Hash(password, ctx.deadline));
//   MARKET_ASSIGN_OR_RETURN(bool ok, hasher.Verify(attempt, stored, ctx.deadline));
//
// The caller's thread waits for its hash (bounded by its deadline), so threads + max_queued
// is also the most server workers that hashing can hold: keep it well below
// MARKET_WORKER_THREADS.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "market/common/status.hpp"
#include "market/common/statusor.hpp"
#include "market/common/worker_pool.hpp"

namespace market::gateway {

struct PasswordHasherOptions {
  std::size_t threads = 2;
  std::size_t max_queued = 4;
};

class PasswordHasher {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  explicit PasswordHasher(PasswordHasherOptions options);

  // resource_exhausted when the pool is full; deadline_exceeded when `deadline` passes first.
  StatusOr<std::string> Hash(std::string_view password, Deadline deadline);
  StatusOr<bool> Verify(std::string_view password, std::string_view encoded, Deadline deadline);

 private:
  // Runs `work` on the pool and waits for it until `deadline`.
  template <typename T>
  StatusOr<T> Run(std::function<T()> work, Deadline deadline);

  WorkerPool pool_;
};

}  // namespace market::gateway
