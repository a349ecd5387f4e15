// ClientConnection: one keep-alive connection of the Client, with a private io_context that the
// calling thread runs for each step, so every step is bounded by a deadline without any other
// thread. Not thread-safe: the pool hands a connection to one caller at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "market/common/statusor.hpp"
#include "market/http/client.hpp"

namespace market::http::internal {

class ClientConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects, giving up at `connect_deadline`; deadline_exceeded when that is `deadline` too,
  // unavailable otherwise (refused, unreachable, connect timeout).
  static StatusOr<std::unique_ptr<ClientConnection>> Open(const Endpoint& endpoint,
                                                          Clock::time_point connect_deadline,
                                                          Clock::time_point deadline);

  // Writes the whole request. `sent_any` tells whether any byte left, even on failure.
  Status Write(const Request& request, Clock::time_point deadline, bool& sent_any);
  // Reads the final response, past any interim 1xx ones. `head` skips the body a HEAD
  // request's answer announces.
  StatusOr<Response> Read(Clock::time_point deadline, std::size_t max_body_bytes, bool head);

  // A connection the server closed or wrote to unasked, or one that carried an interim answer,
  // cannot carry a request: checked without blocking just before reuse.
  bool LooksReusable();

  // Whether an interim 1xx answer came on it: such a connection is closed, not pooled.
  bool carried_interim() const { return saw_interim_; }

  Clock::time_point idle_since() const { return idle_since_; }
  void set_idle_since(Clock::time_point when) { idle_since_ = when; }

  // Unconnected; Open() is the way to get a usable one.
  explicit ClientConnection(std::string peer) : peer_(std::move(peer)) {}
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

 private:
  // Reads one response message, interim or final.
  StatusOr<Response> ReadMessage(Clock::time_point deadline, std::size_t max_body_bytes, bool head);
  // Runs the io_context on this thread until the pending operation (and its timer) completed.
  void RunPending();

  std::string peer_;  // "host:port", for error messages
  boost::asio::io_context io_context_{1};
  boost::beast::tcp_stream stream_{io_context_};
  boost::beast::flat_buffer buffer_;
  Clock::time_point idle_since_{};
  bool saw_interim_ = false;
};

}  // namespace market::http::internal
