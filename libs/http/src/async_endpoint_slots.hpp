// EndpointSlots: the AsyncClient's bookkeeping for one endpoint: how many calls are in flight
// (bounded) and the idle keep-alive connections, oldest first. Thread-safe; connections are
// closed outside the mutex so that no caller waits on a socket.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace market::http::internal {

// One keep-alive connection: its stream, its read buffer (bytes past one answer stay with the
// connection) and what its reuse depends on.
struct AsyncConnection {
  explicit AsyncConnection(const boost::asio::any_io_executor& executor) : stream(executor) {}

  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
  // A connection that carried an interim 1xx is closed, never pooled: a late second answer
  // must not reach the next caller.
  bool saw_interim = false;
};

class EndpointSlots {
 public:
  EndpointSlots(std::size_t max_in_flight, std::size_t max_idle,
                std::chrono::milliseconds max_idle_age)
      : max_in_flight_(max_in_flight), max_idle_(max_idle), max_idle_age_(max_idle_age) {}

  // Takes an in-flight place; false when all are taken.
  bool TryEnter();
  void Leave();

  // A live idle connection, the most recently used first, or null.
  std::unique_ptr<AsyncConnection> TakeIdle();
  void PutIdle(std::unique_ptr<AsyncConnection> connection);
  // Closes every idle connection (before the io_context they belong to goes).
  void DropIdle();

  std::size_t in_flight() const;
  std::size_t idle() const;

 private:
  using Connections = std::vector<std::unique_ptr<AsyncConnection>>;
  // Servers close keep-alive connections after their own idle timeout; one older than
  // max_idle_age is more likely dead than not.
  void DropExpired(Connections& dropped);

  const std::size_t max_in_flight_;
  const std::size_t max_idle_;
  const std::chrono::milliseconds max_idle_age_;
  mutable std::mutex mutex_;
  std::size_t in_flight_ = 0;
  Connections idle_;
};

}  // namespace market::http::internal
