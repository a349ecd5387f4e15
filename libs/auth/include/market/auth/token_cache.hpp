// TokenCache: tokens this process has already verified, so that the hot path verifies each
// token's signature once rather than on every call.
//
// Bounded (least recently used entries leave first) and keyed by the SHA-256 of the token, so
// the cache holds no token a memory dump could replay. An entry is good until the moment its
// token stops being valid, and a lookup at or after that moment misses, however recently the
// entry was used:
//
//   TokenCache cache(10000);
//   if (auto hit = cache.Find(token, now)) return *hit;
//   ... verify ...
//   cache.Insert(token, principal, principal.expires_at + leeway);
//
// Safe to use from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "market/auth/principal.hpp"

namespace market::auth {

class TokenCache {
 public:
  using Clock = std::chrono::system_clock;

  // A capacity of 0 caches nothing.
  explicit TokenCache(std::size_t capacity) : capacity_(capacity) {}

  // The principal of a token verified before, while now < its valid_until.
  std::optional<Principal> Find(std::string_view token, Clock::time_point now);
  void Insert(std::string_view token, const Principal& principal, Clock::time_point valid_until);
  std::size_t size() const;

 private:
  struct Entry {
    std::string digest;
    Principal principal;
    Clock::time_point valid_until;
  };

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace market::auth
