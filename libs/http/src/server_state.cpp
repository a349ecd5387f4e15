#include "server_state.hpp"

#include "session.hpp"

namespace market::http::internal {

void ServerState::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session.get(), session);
}

void ServerState::Unregister(const Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::vector<std::shared_ptr<Session>> ServerState::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mutex_);
  live.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool ServerState::ConnectionOpened(const std::string& peer) {
  if (open_connections.load(std::memory_order_acquire) >= options.max_connections) return false;
  {
    std::lock_guard lock(per_address_mutex_);
    std::size_t& count = per_address_[peer];
    if (count >= options.max_connections_per_address) return false;
    ++count;
  }
  open_connections.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void ServerState::ConnectionClosed(const std::string& peer) {
  {
    std::lock_guard lock(per_address_mutex_);
    const auto found = per_address_.find(peer);
    if (found != per_address_.end() && --found->second == 0) per_address_.erase(found);
  }
  if (open_connections.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // Notified under the mutex so that a waiter between its check and its sleep cannot miss it.
    std::lock_guard lock(mutex_);
    all_closed_.notify_all();
  }
}

bool ServerState::WaitUntilNoConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return all_closed_.wait_until(
      lock, deadline, [this] { return open_connections.load(std::memory_order_acquire) == 0; });
}

}  // namespace market::http::internal
