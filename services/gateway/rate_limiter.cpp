#include "rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "market/connect/error_details.hpp"
#include "market/redis/script.hpp"

namespace market::gateway {
namespace {

// KEYS: the buckets; ARGV: rate per second and burst for each, in the same order. Redis's own
// clock (TIME) is used so replicas with skewed clocks agree. A bucket is a hash {tokens, at_ms};
// it expires once it would be full again, so idle callers cost no memory (and the ephemeral
// Redis, which never evicts, holds only live buckets). Returns 0 when every bucket gave a
// token, otherwise the milliseconds until the first empty one has one; buckets after it are
// not touched.
const redis::Script kTakeTokens(R"lua(
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at_ms')
  local tokens = tonumber(state[1]) or burst
  local at_ms = tonumber(state[2]) or now_ms
  tokens = math.min(burst, tokens + math.max(0, now_ms - at_ms) * rate / 1000)
  if tokens < 1 then
    return math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens - 1), 'at_ms', tostring(now_ms))
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
end
return 0
)lua");

constexpr std::string_view kKeyPrefix = "market:gateway:rate:";
// Bounds the in-process fallback's memory: beyond it, full buckets are swept first.
constexpr std::size_t kMaxLocalBuckets = 100000;

std::string FormatRate(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

Status Exhausted(long long wait_ms) {
  return ResourceExhaustedError("rate limit exceeded; retry in " + std::to_string(wait_ms) + " ms")
      .WithDetail(connect::RetryAfter(std::chrono::milliseconds(wait_ms)));
}

}  // namespace

RateLimiter::RateLimiter(redis::Client& redis) : redis_(redis) {}

Status RateLimiter::Take(const std::vector<RateBucket>& buckets) {
  if (buckets.empty()) return OkStatus();
  const std::optional<long long> wait_ms = TakeInRedis(buckets);
  const long long wait = wait_ms ? *wait_ms : TakeLocally(buckets);
  return wait == 0 ? OkStatus() : Exhausted(wait);
}

std::optional<long long> RateLimiter::TakeInRedis(const std::vector<RateBucket>& buckets) {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  for (const RateBucket& bucket : buckets) {
    keys.push_back(std::string(kKeyPrefix) + bucket.key);
    args.push_back(FormatRate(bucket.limit.per_second));
    args.push_back(FormatRate(bucket.limit.burst));
  }
  auto reply = kTakeTokens.Run(redis_, keys, args);
  if (!reply.ok() || reply->type != redis::Reply::Type::kInteger) return std::nullopt;
  return reply->integer;
}

long long RateLimiter::TakeLocally(const std::vector<RateBucket>& buckets) {
  std::lock_guard lock(local_mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (const RateBucket& bucket : buckets) {
    if (const long long wait =
            TakeOneLocally(std::string(kKeyPrefix) + bucket.key, bucket.limit, now);
        wait > 0) {
      return wait;
    }
  }
  return 0;
}

long long RateLimiter::TakeOneLocally(const std::string& key, const RateLimit& limit,
                                      std::chrono::steady_clock::time_point now) {
  auto refilled = [&](const LocalBucket& bucket) {
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    return std::min(limit.burst, bucket.tokens + elapsed.count() * limit.per_second);
  };
  if (local_.size() >= kMaxLocalBuckets && !local_.contains(key)) {
    // Buckets idle long enough to be full again cost nothing to forget. (Each is judged by the
    // limit at hand, which may over-keep another kind's buckets; the bound still holds.)
    std::erase_if(local_, [&](const auto& entry) { return refilled(entry.second) >= limit.burst; });
    if (local_.size() >= kMaxLocalBuckets) return 0;
  }
  auto [it, inserted] = local_.try_emplace(key, LocalBucket{limit.burst, now});
  LocalBucket& bucket = it->second;
  bucket.tokens = refilled(bucket);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return static_cast<long long>(std::ceil((1 - bucket.tokens) * 1000 / limit.per_second));
}

}  // namespace market::gateway
