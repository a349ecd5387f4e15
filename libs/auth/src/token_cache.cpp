#include "market/auth/token_cache.hpp"

#include "market/auth/sha256.hpp"

namespace market::auth {

std::optional<Principal> TokenCache::Find(std::string_view token, Clock::time_point now) {
  if (capacity_ == 0) return std::nullopt;
  const std::string digest = Sha256(token);
  std::lock_guard lock(mutex_);
  const auto found = index_.find(digest);
  if (found == index_.end()) return std::nullopt;
  const auto entry = found->second;
  if (now >= entry->valid_until) {
    // An expired token will never verify again: its entry only takes room.
    index_.erase(found);
    entries_.erase(entry);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  return entry->principal;
}

void TokenCache::Insert(std::string_view token, const Principal& principal,
                        Clock::time_point valid_until) {
  if (capacity_ == 0) return;
  std::string digest = Sha256(token);
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(digest); found != index_.end()) {
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  if (entries_.size() >= capacity_) {
    index_.erase(entries_.back().digest);
    entries_.pop_back();
  }
  entries_.push_front(Entry{digest, principal, valid_until});
  index_.emplace(std::move(digest), entries_.begin());
}

std::size_t TokenCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace market::auth
