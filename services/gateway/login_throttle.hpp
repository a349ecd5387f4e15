// LoginThrottle: slows password guessing. Failed logins are counted per account (normalised
// email) and per client address in fixed windows; once either budget is spent, logins are
// refused with resource_exhausted until the window ends, before any password is checked.
//
//   if (auto allowed = throttle.CheckAllowed(email, ctx.peer); !allowed.ok()) return allowed;
//   if (!password_ok) { throttle.RecordFailure(email, ctx.peer); return Unauthenticated...; }
//   throttle.RecordSuccess(email);
//
// Counters live in Redis so every gateway replica sees them. When Redis is unavailable the
// throttle keeps working from counters in this process (per replica, so an attacker spread
// over N replicas gets N budgets): failing open here would remove the protection exactly when
// someone takes Redis down.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "market/common/status.hpp"
#include "market/redis/client.hpp"

namespace market::gateway {

struct LoginThrottleOptions {
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::seconds window{900};
};

class LoginThrottle {
 public:
  LoginThrottle(redis::Client& redis, LoginThrottleOptions options);

  // resource_exhausted, with the seconds to wait in its message and in a google.rpc.RetryInfo,
  // when either budget is spent.
  Status CheckAllowed(std::string_view email, std::string_view address);
  void RecordFailure(std::string_view email, std::string_view address);
  // A successful login clears the account's failures (not the address's: one good password
  // must not reset a guesser's budget for other accounts).
  void RecordSuccess(std::string_view email);

 private:
  struct LocalWindow {
    int failures = 0;
    std::chrono::steady_clock::time_point ends;
  };

  // Seconds until `key` may try again, or 0 when it is under `limit`.
  long long SecondsBlocked(const std::string& key, int limit);
  void Increment(const std::string& key);
  long long LocalSecondsBlocked(const std::string& key, int limit);
  void LocalIncrement(const std::string& key);

  redis::Client& redis_;
  LoginThrottleOptions options_;
  std::mutex local_mutex_;
  std::unordered_map<std::string, LocalWindow> local_;
};

}  // namespace market::gateway
