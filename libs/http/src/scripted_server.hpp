// ScriptedServer: an HTTP server that misbehaves on purpose, for the clients' tests.
#pragma once

#include <atomic>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "market/http/client.hpp"
#include "market/http/types.hpp"

namespace market::http::testing {

namespace scripted {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
}  // namespace scripted

// A server that misbehaves on purpose: on each connection it answers the first
// `answers_per_connection` requests, then reads one more and closes without answering. With
// `interim_first`, each answer is preceded by an unasked-for "100 Continue".
class ScriptedServer {
 public:
  explicit ScriptedServer(int answers_per_connection, bool interim_first = false)
      : answers_per_connection_(answers_per_connection), interim_first_(interim_first) {
    acceptor_.open(scripted::tcp::v4());
    acceptor_.bind({scripted::net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    scripted::net::co_spawn(io_context_, Accept(), [](std::exception_ptr) {});
    thread_ = std::thread([this] { io_context_.run(); });
  }
  ~ScriptedServer() {
    io_context_.stop();
    thread_.join();
  }

  Endpoint endpoint() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  scripted::net::awaitable<void> Accept() {
    for (;;) {
      scripted::tcp::socket socket = co_await acceptor_.async_accept(scripted::net::use_awaitable);
      ++connections_;
      scripted::net::co_spawn(io_context_, Serve(std::move(socket)), [](std::exception_ptr) {});
    }
  }

  scripted::net::awaitable<void> Serve(scripted::tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    for (int served = 0;; ++served) {
      Request request;
      co_await scripted::bhttp::async_read(socket, buffer, request, scripted::net::use_awaitable);
      ++requests_;
      if (served == answers_per_connection_) co_return;  // closes without answering
      if (interim_first_) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await scripted::net::async_write(socket, scripted::net::buffer(kContinue),
                                            scripted::net::use_awaitable);
      }
      Response response{scripted::bhttp::status::ok, 11};
      response.body() = "answer " + std::to_string(requests_.load());
      response.keep_alive(true);
      response.prepare_payload();
      co_await scripted::bhttp::async_write(socket, response, scripted::net::use_awaitable);
    }
  }

  const int answers_per_connection_;
  const bool interim_first_;
  scripted::net::io_context io_context_{1};
  scripted::tcp::acceptor acceptor_{io_context_};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace market::http::testing
