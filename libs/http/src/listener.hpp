// Listener: accepts connections and starts a Session for each, in the shape of Beast's
// http_server_async example. Runs on its own strand; over max_connections a new connection is
// closed as soon as it is accepted.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "market/common/status.hpp"
#include "server_state.hpp"

namespace market::http::internal {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io_context, std::shared_ptr<ServerState> state);

  // Opens, binds and listens: invalid_argument for an address this host cannot have,
  // unavailable when the port is taken or not ours to bind.
  Status Open(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;

  void Run();
  // Stops accepting; safe from any thread.
  void Close();

 private:
  void DoAccept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_context_;
  std::shared_ptr<ServerState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Out of file descriptors, accept fails at once; waiting a little avoids spinning on it.
  boost::asio::steady_timer backoff_;
};

}  // namespace market::http::internal
