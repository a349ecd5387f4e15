#include "client_connection.hpp"

#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "client_exchange_rules.hpp"

namespace market::http::internal {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

}  // namespace

StatusOr<std::unique_ptr<ClientConnection>> ClientConnection::Open(
    const Endpoint& endpoint, Clock::time_point connect_deadline, Clock::time_point deadline) {
  auto connection =
      std::make_unique<ClientConnection>(endpoint.host + ":" + std::to_string(endpoint.port));
  const std::string& peer = connection->peer_;

  beast::error_code ec;
  std::vector<tcp::endpoint> candidates;
  const auto address = net::ip::make_address(endpoint.host, ec);
  if (!ec) {
    candidates.emplace_back(address, endpoint.port);
  } else {
    tcp::resolver resolver(connection->io_context_);
    const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
    if (ec) return UnavailableError("cannot resolve " + peer + ": " + ec.message());
    for (const auto& entry : results) candidates.push_back(entry.endpoint());
  }

  connection->stream_.expires_at(connect_deadline);
  connection->stream_.async_connect(
      candidates, [&ec](beast::error_code result, const tcp::endpoint&) { ec = result; });
  connection->RunPending();
  if (ec) return ConnectFailure(ec, peer, connect_deadline >= deadline);
  // Only asynchronous operations run on this socket; non-blocking mode makes the peek in
  // LooksReusable() return at once.
  connection->stream_.socket().non_blocking(true, ec);
  connection->stream_.socket().set_option(tcp::no_delay(true), ec);
  return connection;
}

Status ClientConnection::Write(const Request& request, Clock::time_point deadline, bool& sent_any) {
  beast::error_code ec;
  std::size_t sent = 0;
  stream_.expires_at(deadline);
  bhttp::async_write(stream_, request, [&](beast::error_code result, std::size_t bytes) {
    ec = result;
    sent = bytes;
  });
  RunPending();
  sent_any = sent > 0;
  return ec ? WriteFailure(ec, peer_) : OkStatus();
}

StatusOr<Response> ClientConnection::Read(Clock::time_point deadline, std::size_t max_body_bytes,
                                          bool head) {
  // A connection that carried an interim answer is not pooled afterwards: a late second answer
  // must not reach the next caller.
  for (int interim = 0; interim <= kMaxInterimAnswers; ++interim) {
    MARKET_ASSIGN_OR_RETURN(Response response, ReadMessage(deadline, max_body_bytes, head));
    if (response.result_int() < 100 || response.result_int() >= 200) return response;
    saw_interim_ = true;
  }
  return TooManyInterimAnswers(peer_);
}

StatusOr<Response> ClientConnection::ReadMessage(Clock::time_point deadline,
                                                 std::size_t max_body_bytes, bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(max_body_bytes);
  parser.skip(head);
  beast::error_code ec;
  stream_.expires_at(deadline);
  bhttp::async_read(stream_, buffer_, parser,
                    [&ec](beast::error_code result, std::size_t) { ec = result; });
  RunPending();
  if (!ec) return parser.release();
  return ReadFailure(ec, peer_, max_body_bytes);
}

bool ClientConnection::LooksReusable() {
  return !saw_interim_ && IdleSocketLooksReusable(stream_.socket(), buffer_.size());
}

void ClientConnection::RunPending() {
  io_context_.restart();
  io_context_.run();
}

}  // namespace market::http::internal
