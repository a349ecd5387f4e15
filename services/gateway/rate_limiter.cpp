#include "rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "market/connect/error_details.hpp"

namespace market::gateway {
namespace {

// KEYS[1] bucket; ARGV: rate per second, burst. Redis's own clock (TIME) is used so replicas
// with skewed clocks agree. The bucket is a hash {tokens, at_ms}; it expires once it would be
// full again, so idle callers cost no memory. Returns 0 when a token was taken, otherwise the
// milliseconds until one is available.
constexpr std::string_view kTakeTokenScript = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at_ms')
local tokens = tonumber(state[1]) or burst
local at_ms = tonumber(state[2]) or now_ms
tokens = math.min(burst, tokens + math.max(0, now_ms - at_ms) * rate / 1000)
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait_ms = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at_ms', tostring(now_ms))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait_ms
)lua";

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

RateLimiter::RateLimiter(redis::Client& redis, RateLimit limit) : redis_(redis), limit_(limit) {}

Status RateLimiter::Take(std::string_view key) {
  const std::string full_key = std::string(kKeyPrefix) + std::string(key);
  const std::optional<long long> wait_ms = TakeInRedis(full_key);
  const long long wait = wait_ms ? *wait_ms : TakeLocally(full_key);
  return wait == 0 ? OkStatus() : Exhausted(wait);
}

std::optional<long long> RateLimiter::TakeInRedis(const std::string& key) {
  auto reply = redis_.Command({"EVAL", std::string(kTakeTokenScript), "1", key,
                               FormatRate(limit_.per_second), FormatRate(limit_.burst)});
  if (!reply.ok() || reply->type != redis::Reply::Type::kInteger) return std::nullopt;
  return reply->integer;
}

long long RateLimiter::TakeLocally(const std::string& key) {
  std::lock_guard lock(local_mutex_);
  const auto now = std::chrono::steady_clock::now();
  auto refilled = [&](const LocalBucket& bucket) {
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    return std::min(limit_.burst, bucket.tokens + elapsed.count() * limit_.per_second);
  };
  if (local_.size() >= kMaxLocalBuckets && !local_.contains(key)) {
    std::erase_if(local_,
                  [&](const auto& entry) { return refilled(entry.second) >= limit_.burst; });
    if (local_.size() >= kMaxLocalBuckets) return 0;
  }
  auto [it, inserted] = local_.try_emplace(key, LocalBucket{limit_.burst, now});
  LocalBucket& bucket = it->second;
  bucket.tokens = refilled(bucket);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return static_cast<long long>(std::ceil((1 - bucket.tokens) * 1000 / limit_.per_second));
}

}  // namespace market::gateway
