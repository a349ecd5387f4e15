// RateLimiter: token buckets per caller, shared by every gateway replica through Redis.
//
// Each bucket holds up to `burst` tokens and refills at `per_second`; a call takes one token
// or is refused with resource_exhausted saying when to retry, in its message and in a
// google.rpc.RetryInfo detail. Buckets are keyed by what the
// caller is: an account (from its token) or, for anonymous calls, a client address.
//
//   RateLimiter limiter(redis, {.per_second = 20, .burst = 40});
//   if (Status allowed = limiter.Take("account:" + id); !allowed.ok()) return allowed;
//
// The refill and the take run as one Lua script inside Redis, so concurrent calls from many
// replicas can never overdraw a bucket. When Redis is unavailable the limiter keeps limiting
// with buckets in this process (each replica then grants its own budget): rate limits are
// abuse protection, and an outage of Redis is the wrong moment to drop them entirely.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "market/common/status.hpp"
#include "market/redis/client.hpp"

namespace market::gateway {

struct RateLimit {
  double per_second = 20;
  double burst = 40;
};

class RateLimiter {
 public:
  RateLimiter(redis::Client& redis, RateLimit limit);

  // OK and one token taken, or resource_exhausted "rate limit exceeded; retry in N ms" with a
  // RetryInfo of N ms.
  Status Take(std::string_view key);

 private:
  struct LocalBucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };

  // Milliseconds to wait, or 0 when a token was taken; nullopt when Redis did not answer.
  std::optional<long long> TakeInRedis(const std::string& key);
  long long TakeLocally(const std::string& key);

  redis::Client& redis_;
  RateLimit limit_;
  std::mutex local_mutex_;
  std::unordered_map<std::string, LocalBucket> local_;
};

}  // namespace market::gateway
