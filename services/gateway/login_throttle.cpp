#include "login_throttle.hpp"

#include <algorithm>

#include "market/connect/error_details.hpp"
#include "market/redis/script.hpp"

namespace market::gateway {
namespace {

// KEYS: pair, address, account counters; ARGV: their three limits, then the window in seconds.
// Checks every budget first and counts only when all have room, all in one step: Redis runs a
// script without interleaving other commands. A counter gets its expiry in the same step as its
// first count; one found without an expiry (written by an older gateway whose EXPIRE was lost)
// gets one here, so no counter can block forever. Returns 0 when the attempt was counted,
// otherwise the seconds until the longest blocking window ends.
const redis::Script kAttemptScript(R"lua(
local window = tonumber(ARGV[4])
local wait = 0
for i = 1, 3 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0') or 0
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 0 then
      redis.call('EXPIRE', KEYS[i], window)
      ttl = window
    end
    wait = math.max(wait, ttl, 1)
  end
end
if wait > 0 then return wait end
for i = 1, 3 do
  redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], window) end
end
return 0
)lua");

// KEYS: pair, address, account; ARGV[1]: "1" to clear the pair's failures. Gives back one
// count on each counter that still holds one (a window may have ended meanwhile).
const redis::Script kGiveBackScript(R"lua(
for i = 1, 3 do
  if i == 1 and ARGV[1] == '1' then
    redis.call('DEL', KEYS[1])
  elseif (tonumber(redis.call('GET', KEYS[i]) or '0') or 0) > 0 then
    redis.call('DECR', KEYS[i])
  end
end
return 0
)lua");

constexpr std::string_view kKeyPrefix = "market:gateway:login-failures:";

// Bounds the in-process fallback's memory while Redis is down: when full, expired windows are
// swept, and if that frees nothing the attempt goes uncounted rather than growing memory
// without bound.
constexpr std::size_t kMaxLocalKeys = 100000;

Status TooManyFailures(long long wait_seconds) {
  return ResourceExhaustedError("too many failed logins; retry in " + std::to_string(wait_seconds) +
                                " seconds")
      .WithDetail(connect::RetryAfter(std::chrono::seconds(wait_seconds)));
}

}  // namespace

LoginThrottle::LoginThrottle(redis::Client& redis, LoginThrottleOptions options)
    : redis_(redis),
      options_(options),
      limits_{options.max_failures_per_account_address, options.max_failures_per_address,
              options.max_failures_per_account} {}

LoginThrottle::Keys LoginThrottle::KeysFor(std::string_view email, std::string_view address) const {
  // The address comes first in the pair's key: it never contains '|', so no two pairs share a key
  // whatever the email holds.
  const std::string prefix(kKeyPrefix);
  return {prefix + "pair:" + std::string(address) + "|" + std::string(email),
          prefix + "address:" + std::string(address), prefix + "account:" + std::string(email)};
}

Status LoginThrottle::Attempt(std::string_view email, std::string_view address) {
  const Keys keys = KeysFor(email, address);
  const std::optional<long long> in_redis = AttemptInRedis(keys);
  const long long wait = in_redis ? *in_redis : AttemptLocally(keys);
  return wait == 0 ? OkStatus() : TooManyFailures(wait);
}

void LoginThrottle::RecordSuccess(std::string_view email, std::string_view address) {
  GiveBack(KeysFor(email, address), /*clear_pair=*/true);
}

void LoginThrottle::Refund(std::string_view email, std::string_view address) {
  GiveBack(KeysFor(email, address), /*clear_pair=*/false);
}

std::optional<long long> LoginThrottle::AttemptInRedis(const Keys& keys) {
  auto reply =
      kAttemptScript.Run(redis_, {keys[0], keys[1], keys[2]},
                         {std::to_string(limits_[0]), std::to_string(limits_[1]),
                          std::to_string(limits_[2]), std::to_string(options_.window.count())});
  if (!reply.ok() || reply->type != redis::Reply::Type::kInteger) return std::nullopt;
  return reply->integer;
}

long long LoginThrottle::AttemptLocally(const Keys& keys) {
  std::lock_guard lock(local_mutex_);
  const auto now = std::chrono::steady_clock::now();
  long long wait = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto found = local_.find(keys[i]);
    if (found == local_.end() || found->second.ends <= now) continue;
    if (found->second.failures < limits_[i]) continue;
    const auto left =
        std::chrono::duration_cast<std::chrono::seconds>(found->second.ends - now).count();
    wait = std::max({wait, static_cast<long long>(left), 1LL});
  }
  if (wait > 0) return wait;
  if (local_.size() + keys.size() > kMaxLocalKeys) {
    std::erase_if(local_, [now](const auto& entry) { return entry.second.ends <= now; });
    if (local_.size() + keys.size() > kMaxLocalKeys) return 0;
  }
  for (const std::string& key : keys) {
    LocalWindow& window = local_[key];
    if (window.ends <= now) window = LocalWindow{0, now + options_.window};
    ++window.failures;
  }
  return 0;
}

void LoginThrottle::GiveBack(const Keys& keys, bool clear_pair) {
  // Where the attempt was counted is not remembered: Redis when it answers, else this process.
  // When Redis goes down or recovers between the two calls, the give-back lands on the other
  // side: off by one count for that one attempt, which is harmless.
  auto reply = kGiveBackScript.Run(redis_, {keys[0], keys[1], keys[2]}, {clear_pair ? "1" : "0"});
  if (reply.ok() && reply->type == redis::Reply::Type::kInteger) return;
  std::lock_guard lock(local_mutex_);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto found = local_.find(keys[i]);
    if (found == local_.end()) continue;
    if (i == 0 && clear_pair) {
      local_.erase(found);
    } else if (found->second.failures > 0) {
      --found->second.failures;
    }
  }
}

}  // namespace market::gateway
