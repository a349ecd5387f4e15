// ServerState: what the Server shares with its listener and its sessions. Sessions hold it by
// shared_ptr, so it outlives every session, including one a late Responder keeps alive.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "market/http/server.hpp"

namespace market::http::internal {

class Session;

struct ServerState {
  ServerState(ServerOptions options_in, Handler handler_in, FailureResponder on_failure_in)
      : options(std::move(options_in)),
        handler(std::move(handler_in)),
        on_failure(std::move(on_failure_in)) {}

  const ServerOptions options;
  const Handler handler;
  const FailureResponder on_failure;

  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> in_flight_requests{0};
  // Set once by Shutdown(); sessions read it to answer with `Connection: close`.
  std::atomic<bool> stopping{false};

  void Register(const std::shared_ptr<Session>& session);
  void Unregister(const Session* session);
  // Every session alive now; Shutdown() tells each that the server is stopping.
  std::vector<std::shared_ptr<Session>> LiveSessions();

  // Counts a connection from `peer` in, or returns false (counting nothing) when the server
  // is at max_connections or `peer` at max_connections_per_address. The listener counts a
  // connection in before its session exists, and only the listener counts in, so the limits
  // are exact however many threads count out.
  bool ConnectionOpened(const std::string& peer);
  void ConnectionClosed(const std::string& peer);
  // Blocks until no connection is open or `deadline` passes; true when none is open.
  bool WaitUntilNoConnections(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable all_closed_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  std::mutex per_address_mutex_;
  // Open connections per client address; an address leaves the map with its last one.
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace market::http::internal
