#include "async_endpoint_slots.hpp"

#include <algorithm>
#include <iterator>

#include "client_exchange_rules.hpp"

namespace market::http::internal {

bool EndpointSlots::TryEnter() {
  std::lock_guard lock(mutex_);
  if (in_flight_ >= max_in_flight_) return false;
  ++in_flight_;
  return true;
}

void EndpointSlots::Leave() {
  std::lock_guard lock(mutex_);
  --in_flight_;
}

std::unique_ptr<AsyncConnection> EndpointSlots::TakeIdle() {
  for (;;) {
    Connections dropped;
    std::unique_ptr<AsyncConnection> candidate;
    {
      std::lock_guard lock(mutex_);
      DropExpired(dropped);
      if (idle_.empty()) return nullptr;
      candidate = std::move(idle_.back());  // the most recently used is likeliest alive
      idle_.pop_back();
    }
    if (!candidate->saw_interim &&
        IdleSocketLooksReusable(candidate->stream.socket(), candidate->buffer.size())) {
      return candidate;
    }
  }
}

void EndpointSlots::PutIdle(std::unique_ptr<AsyncConnection> connection) {
  Connections dropped;
  connection->idle_since = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  DropExpired(dropped);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(connection));
  } else {
    dropped.push_back(std::move(connection));
  }
}

void EndpointSlots::DropIdle() {
  Connections dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(idle_);
}

std::size_t EndpointSlots::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

std::size_t EndpointSlots::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void EndpointSlots::DropExpired(Connections& dropped) {
  const auto oldest_allowed = std::chrono::steady_clock::now() - max_idle_age_;
  auto first_fresh = std::find_if(idle_.begin(), idle_.end(), [&](const auto& connection) {
    return connection->idle_since >= oldest_allowed;
  });
  std::move(idle_.begin(), first_fresh, std::back_inserter(dropped));
  idle_.erase(idle_.begin(), first_fresh);
}

}  // namespace market::http::internal
