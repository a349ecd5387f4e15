#include "login_throttle.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "market/connect/error_details.hpp"

namespace market::gateway {
namespace {

// Bounds the in-process fallback's memory while Redis is down: when full, expired windows are
// swept, and if that frees nothing the failure goes uncounted rather than growing memory
// without bound.
constexpr std::size_t kMaxLocalKeys = 100000;

std::string AccountKey(std::string_view email) {
  return "market:gateway:login-failures:account:" + std::string(email);
}

std::string AddressKey(std::string_view address) {
  return "market:gateway:login-failures:address:" + std::string(address);
}

}  // namespace

LoginThrottle::LoginThrottle(redis::Client& redis, LoginThrottleOptions options)
    : redis_(redis), options_(options) {}

Status LoginThrottle::CheckAllowed(std::string_view email, std::string_view address) {
  const long long wait =
      std::max(SecondsBlocked(AccountKey(email), options_.max_failures_per_account),
               SecondsBlocked(AddressKey(address), options_.max_failures_per_address));
  if (wait > 0) {
    return ResourceExhaustedError("too many failed logins; retry in " + std::to_string(wait) +
                                  " seconds")
        .WithDetail(connect::RetryAfter(std::chrono::seconds(wait)));
  }
  return OkStatus();
}

void LoginThrottle::RecordFailure(std::string_view email, std::string_view address) {
  Increment(AccountKey(email));
  Increment(AddressKey(address));
}

void LoginThrottle::RecordSuccess(std::string_view email) {
  const std::string key = AccountKey(email);
  (void)redis_.Command({"DEL", key});
  std::lock_guard lock(local_mutex_);
  local_.erase(key);
}

long long LoginThrottle::SecondsBlocked(const std::string& key, int limit) {
  auto replies = redis_.Pipeline({{"GET", key}, {"TTL", key}});
  if (!replies.ok() || (*replies)[0].type == redis::Reply::Type::kError) {
    return LocalSecondsBlocked(key, limit);
  }
  const auto& count = (*replies)[0];
  if (count.type != redis::Reply::Type::kString) return LocalSecondsBlocked(key, limit);
  long long failures = 0;
  std::from_chars(count.text.data(), count.text.data() + count.text.size(), failures);
  if (failures < limit) return LocalSecondsBlocked(key, limit);
  return std::max(1LL, (*replies)[1].integer);
}

void LoginThrottle::Increment(const std::string& key) {
  // EXPIRE ... NX starts the window at the first failure and leaves it alone afterwards.
  auto replies = redis_.Pipeline(
      {{"INCR", key}, {"EXPIRE", key, std::to_string(options_.window.count()), "NX"}});
  if (!replies.ok()) LocalIncrement(key);
}

long long LoginThrottle::LocalSecondsBlocked(const std::string& key, int limit) {
  std::lock_guard lock(local_mutex_);
  const auto found = local_.find(key);
  if (found == local_.end()) return 0;
  const auto now = std::chrono::steady_clock::now();
  if (found->second.ends <= now) {
    local_.erase(found);
    return 0;
  }
  if (found->second.failures < limit) return 0;
  return std::max<long long>(
      1, std::chrono::duration_cast<std::chrono::seconds>(found->second.ends - now).count());
}

void LoginThrottle::LocalIncrement(const std::string& key) {
  std::lock_guard lock(local_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (local_.size() >= kMaxLocalKeys) {
    std::erase_if(local_, [now](const auto& entry) { return entry.second.ends <= now; });
    if (local_.size() >= kMaxLocalKeys) return;
  }
  auto& window = local_[key];
  if (window.ends <= now) window = LocalWindow{0, now + options_.window};
  ++window.failures;
}

}  // namespace market::gateway
