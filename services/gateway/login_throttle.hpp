// LoginThrottle: slows password guessing without letting a guesser lock the owner out.
//
// Password attempts are counted in fixed windows under three budgets:
//   - per (account, client address): small (5). A guesser at one address soon stops being able
//     to try that account; the owner, at another address, is not affected.
//   - per client address: larger (20), over every account, so one address cannot spread its
//     guesses over many accounts.
//   - per account: much larger (200). This is a ceiling on a distributed attack (many addresses
//     guessing one account's password), not a lockout a single person can trigger: reaching it
//     takes 40 addresses each spending its whole budget on the account within one window.
// Once any budget is spent, attempts are refused with resource_exhausted until its window ends,
// before any password is checked.
//
//   if (Status allowed = throttle.Attempt(email, ctx.peer); !allowed.ok()) return allowed;
//   if (!password_checked) { throttle.Refund(email, ctx.peer); return the error; }
//   if (password_ok) throttle.RecordSuccess(email, ctx.peer);
//
// Attempt checks the three budgets and counts the attempt in one atomic step (a Lua script in
// Redis), so guesses sent in parallel cannot slip in between a check and its count, and a window
// always gets its expiry with its first count (a counter without one would block forever).
// Counting before the password is checked makes every attempt a failure until it succeeds:
// RecordSuccess then clears the pair's failures and gives back the attempt's count.
//
// Counters live in Redis so every gateway replica sees them. When Redis is unavailable the
// throttle keeps working from counters in this process (per replica, so an attacker spread
// over N replicas gets N budgets): failing open here would remove the protection exactly when
// someone takes Redis down.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "market/common/status.hpp"
#include "market/redis/client.hpp"

namespace market::gateway {

struct LoginThrottleOptions {
  int max_failures_per_account_address = 5;
  int max_failures_per_address = 20;
  int max_failures_per_account = 200;
  std::chrono::seconds window{900};
};

class LoginThrottle {
 public:
  LoginThrottle(redis::Client& redis, LoginThrottleOptions options);

  // OK and the attempt counted against all three budgets; or resource_exhausted, with the
  // seconds to wait in its message and in a google.rpc.RetryInfo, counting nothing.
  Status Attempt(std::string_view email, std::string_view address);
  // The password was right: the pair's failures are cleared and the attempt's count on the
  // address and the account given back (not their other failures: one good password must not
  // reset a guesser's budget for other accounts).
  void RecordSuccess(std::string_view email, std::string_view address);
  // The attempt ended before any password was checked (the database was down): its count is
  // given back.
  void Refund(std::string_view email, std::string_view address);

 private:
  using Keys = std::array<std::string, 3>;  // pair, address, account
  struct LocalWindow {
    int failures = 0;
    std::chrono::steady_clock::time_point ends;
  };

  Keys KeysFor(std::string_view email, std::string_view address) const;
  // Seconds to wait, or 0 when the attempt was counted; nullopt when Redis did not answer.
  std::optional<long long> AttemptInRedis(const Keys& keys);
  long long AttemptLocally(const Keys& keys);
  void GiveBack(const Keys& keys, bool clear_pair);

  redis::Client& redis_;
  LoginThrottleOptions options_;
  std::array<int, 3> limits_;
  std::mutex local_mutex_;
  std::unordered_map<std::string, LocalWindow> local_;
};

}  // namespace market::gateway
