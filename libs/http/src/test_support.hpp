// What the http tests share: a raw loopback connection that writes exactly the bytes a test
// gives it and reads answers with a bound, and small waiting helpers.
//
//   RawConnection connection(server.port());
//   connection.Write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
//   auto answer = connection.ReadResponse();
//   REQUIRE(!answer.ec);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "market/http/server.hpp"

namespace market::http::testing {

using Clock = std::chrono::steady_clock;

// Limits small enough that every timing test finishes well inside a second.
inline ServerOptions FastOptions() {
  ServerOptions options;
  options.read_timeout = std::chrono::milliseconds(300);
  options.idle_timeout = std::chrono::milliseconds(2000);
  options.write_timeout = std::chrono::milliseconds(300);
  options.drain_timeout = std::chrono::milliseconds(2000);
  return options;
}

// Polls `condition` until it holds or `timeout` passes; returns its last value.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

inline std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// "POST <target> HTTP/1.1" with Host, Content-Length, `extra_headers` (each ending in \r\n)
// and `body`.
inline std::string PostText(std::string_view target, std::string_view body,
                            std::string_view extra_headers = {}) {
  std::string text = "POST ";
  text += target;
  text += " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  text += extra_headers;
  text += "\r\n";
  text += body;
  return text;
}

class RawConnection {
 public:
  struct Answer {
    boost::beast::error_code ec;
    Response response;
  };

  explicit RawConnection(std::uint16_t port, const std::string& host = "127.0.0.1") {
    boost::beast::error_code ec;
    stream_.socket().connect({boost::asio::ip::make_address(host), port}, ec);
    connected_ = !ec;
  }

  bool connected() const { return connected_; }

  // True when every byte was handed to the kernel.
  bool Write(std::string_view bytes,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    boost::beast::error_code ec;
    stream_.expires_after(timeout);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes.data(), bytes.size()),
                             [&ec](boost::beast::error_code result, std::size_t) { ec = result; });
    Run();
    return !ec;
  }

  bool Write(const Request& request) {
    boost::beast::error_code ec;
    stream_.expires_after(std::chrono::milliseconds(2000));
    boost::beast::http::async_write(
        stream_, request, [&ec](boost::beast::error_code result, std::size_t) { ec = result; });
    Run();
    return !ec;
  }

  // `head`: the answer to a HEAD request, whose announced body is not sent.
  Answer ReadResponse(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                      bool head = false) {
    Answer answer;
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    stream_.expires_after(timeout);
    boost::beast::http::async_read(
        stream_, buffer_, parser,
        [&answer](boost::beast::error_code result, std::size_t) { answer.ec = result; });
    Run();
    if (!answer.ec) answer.response = parser.release();
    return answer;
  }

  // True when the server closes the connection within `timeout` (any bytes before are
  // discarded); false when it is still open then.
  bool WaitForClose(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    buffer_.clear();
    for (;;) {
      boost::beast::error_code ec;
      stream_.expires_at(deadline);
      stream_.async_read_some(buffer_.prepare(4096),
                              [&ec](boost::beast::error_code result, std::size_t) { ec = result; });
      Run();
      if (ec == boost::beast::error::timeout) return false;
      if (ec) return true;
    }
  }

  void Close() {
    boost::beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void Run() {
    io_context_.restart();
    io_context_.run();
  }

  boost::asio::io_context io_context_{1};
  boost::beast::tcp_stream stream_{io_context_};
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace market::http::testing
