// The performance anchor for the Connect server: a bare Boost.Beast asynchronous HTTP/1.1
// keep-alive server, the shape of Beast's http_server_async example with nothing added. It
// answers every POST with 200 and a small fixed body, anything else with 405.
//
//   bare_beast_server PORT THREADS
//
// ping_bench.sh drives it and connect_ping_server with the same wrk load; the ratio of their
// requests per second is the Connect layer's cost.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kBody = R"({"status":"SERVING"})";

void Fail(beast::error_code ec, const char* what) {
  // Peers leaving and idle timeouts are the normal end of a connection.
  if (ec == net::error::operation_aborted || ec == http::error::end_of_stream ||
      ec == beast::error::timeout || ec == net::error::connection_reset) {
    return;
  }
  std::cerr << what << ": " << ec.message() << "\n";
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void Run() {
    // We need to be executing within the strand to perform async operations on the stream.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

 private:
  void DoRead() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Fail(ec, "read");
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    if (request_.method() == http::verb::post) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "application/json");
      response_.body() = kBody;
    } else {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "POST");
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    if (ec) return Fail(ec, "write");
    if (!response_.keep_alive()) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      return;
    }
    DoRead();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io_context, tcp::endpoint endpoint)
      : io_context_(io_context), acceptor_(net::make_strand(io_context)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  void Run() { DoAccept(); }

 private:
  void DoAccept() {
    // Each connection gets its own strand.
    acceptor_.async_accept(net::make_strand(io_context_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec) {
      Fail(ec, "accept");
    } else {
      std::make_shared<Session>(std::move(socket))->Run();
    }
    DoAccept();
  }

  net::io_context& io_context_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bare_beast_server PORT THREADS\n";
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = std::max(1, std::atoi(argv[2]));

  net::io_context io_context(threads);
  try {
    std::make_shared<Listener>(io_context, tcp::endpoint(net::ip::make_address("0.0.0.0"), port))
        ->Run();
  } catch (const beast::system_error& e) {
    std::cerr << "cannot listen on port " << port << ": " << e.code().message() << "\n";
    return 1;
  }

  net::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([&io_context](beast::error_code, int) { io_context.stop(); });

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads - 1));
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io_context] { io_context.run(); });
  io_context.run();
  for (auto& thread : pool) thread.join();
  return 0;
}
