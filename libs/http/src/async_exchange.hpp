// AsyncExchange: one AsyncClient call, from taking a connection to handing over the answer:
// connect (or reuse), write, read past interim answers, pool the connection, and retry once on a
// fresh connection when a pooled one died under a request that may be sent again. Each step
// completes on the client's io_context; one exchange never has two steps pending, so it needs
// no strand. Internal to the http library.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "async_endpoint_slots.hpp"
#include "market/http/async_client.hpp"

namespace market::http::internal {

class AsyncExchange : public std::enable_shared_from_this<AsyncExchange> {
 public:
  using Clock = std::chrono::steady_clock;

  // `slots` must hold an in-flight place for this call; the exchange gives it back when done.
  AsyncExchange(boost::asio::io_context& io_context, const AsyncClientOptions& options,
                std::shared_ptr<EndpointSlots> slots, Endpoint endpoint, Request request,
                Clock::time_point deadline, bool idempotent, AsyncDone done);
  // An exchange dropped unfinished (its io_context went away) answers `unavailable`.
  ~AsyncExchange();

  void Start();

 private:
  void Connect();
  void OnResolved(const boost::beast::error_code& ec,
                  const boost::asio::ip::tcp::resolver::results_type& results);
  void ConnectTo(const std::vector<boost::asio::ip::tcp::endpoint>& candidates);
  void OnConnected(const boost::beast::error_code& ec);
  void Write();
  void OnWritten(const boost::beast::error_code& ec, std::size_t bytes);
  void Read();
  void OnRead(const boost::beast::error_code& ec);
  // A failed step: retried on a fresh connection when the rules allow it, otherwise the answer.
  void Fail(Status status);
  void Finish(StatusOr<Response> answer);

  boost::asio::io_context& io_context_;
  const AsyncClientOptions& options_;
  std::shared_ptr<EndpointSlots> slots_;
  Endpoint endpoint_;
  std::string peer_;  // "host:port", for error messages
  Request request_;
  Clock::time_point deadline_;
  Clock::time_point connect_deadline_{};
  bool idempotent_;
  AsyncDone done_;

  std::unique_ptr<AsyncConnection> connection_;
  std::optional<boost::asio::ip::tcp::resolver> resolver_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  bool reused_ = false;
  bool retried_ = false;
  bool sent_any_ = false;
  int interim_answers_ = 0;
};

}  // namespace market::http::internal
