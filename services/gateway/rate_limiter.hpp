// RateLimiter: token buckets per caller, shared by every gateway replica through Redis.
//
// Each bucket holds up to `burst` tokens and refills at `per_second`; a call takes one token
// from every bucket it is subject to, or is refused with resource_exhausted saying when to
// retry, in its message and in a google.rpc.RetryInfo detail. Buckets are keyed by what the
// caller is: a client address always, and an account when the call carries a valid token.
//
//   RateLimiter limiter(cache_redis);
//   Status allowed = limiter.Take({{"address:" + peer, per_address},
//                                  {"account:" + id, per_account}});
//
// All of a call's buckets are checked and taken by one Lua script inside Redis (one round
// trip, sent by its SHA-1), so concurrent calls from many replicas can never overdraw a
// bucket. Buckets are taken in order and the first empty one refuses the call; the buckets
// before it keep the token they gave (a refused call still spent its address's budget). When
// Redis is unavailable the limiter keeps limiting with buckets in this process (each replica
// then grants its own budget): rate limits are abuse protection, and an outage of Redis is the
// wrong moment to drop them entirely.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "market/common/status.hpp"
#include "market/redis/client.hpp"

namespace market::gateway {

struct RateLimit {
  double per_second = 20;
  double burst = 40;
};

struct RateBucket {
  std::string key;
  RateLimit limit;
};

class RateLimiter {
 public:
  explicit RateLimiter(redis::Client& redis);

  // OK and one token taken from each bucket, or resource_exhausted "rate limit exceeded; retry
  // in N ms" with a RetryInfo of N ms.
  Status Take(const std::vector<RateBucket>& buckets);

 private:
  struct LocalBucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };

  // Milliseconds to wait, or 0 when the tokens were taken; nullopt when Redis did not answer.
  std::optional<long long> TakeInRedis(const std::vector<RateBucket>& buckets);
  long long TakeLocally(const std::vector<RateBucket>& buckets);
  long long TakeOneLocally(const std::string& key, const RateLimit& limit,
                           std::chrono::steady_clock::time_point now);

  redis::Client& redis_;
  std::mutex local_mutex_;
  std::unordered_map<std::string, LocalBucket> local_;
};

}  // namespace market::gateway
