#include "async_exchange.hpp"

#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>

#include "client_exchange_rules.hpp"
#include "market/common/log.hpp"

namespace market::http::internal {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

}  // namespace

AsyncExchange::AsyncExchange(net::io_context& io_context, const AsyncClientOptions& options,
                             std::shared_ptr<EndpointSlots> slots, Endpoint endpoint,
                             Request request, Clock::time_point deadline, bool idempotent,
                             AsyncDone done)
    : io_context_(io_context),
      options_(options),
      slots_(std::move(slots)),
      endpoint_(std::move(endpoint)),
      peer_(endpoint_.host + ":" + std::to_string(endpoint_.port)),
      request_(std::move(request)),
      deadline_(deadline),
      idempotent_(idempotent),
      done_(std::move(done)) {
  if (request_.find(bhttp::field::host) == request_.end()) request_.set(bhttp::field::host, peer_);
  request_.prepare_payload();
}

AsyncExchange::~AsyncExchange() {
  if (done_) Finish(UnavailableError("the call to " + peer_ + " was dropped at shutdown"));
}

void AsyncExchange::Start() {
  if (Clock::now() >= deadline_) {
    return Finish(DeadlineExceededError("deadline passed before calling " + peer_));
  }
  if (!retried_) connection_ = slots_->TakeIdle();
  reused_ = connection_ != nullptr;
  if (reused_) return Write();
  Connect();
}

void AsyncExchange::Connect() {
  connection_ = std::make_unique<AsyncConnection>(io_context_.get_executor());
  connect_deadline_ = std::min(deadline_, Clock::now() + options_.connect_timeout);
  beast::error_code ec;
  const auto address = net::ip::make_address(endpoint_.host, ec);
  if (!ec) return ConnectTo({tcp::endpoint(address, endpoint_.port)});
  resolver_.emplace(io_context_);
  resolver_->async_resolve(
      endpoint_.host, std::to_string(endpoint_.port),
      beast::bind_front_handler(&AsyncExchange::OnResolved, shared_from_this()));
}

void AsyncExchange::OnResolved(const beast::error_code& ec,
                               const tcp::resolver::results_type& results) {
  if (ec) return Finish(UnavailableError("cannot resolve " + peer_ + ": " + ec.message()));
  std::vector<tcp::endpoint> candidates;
  for (const auto& entry : results) candidates.push_back(entry.endpoint());
  ConnectTo(candidates);
}

void AsyncExchange::ConnectTo(const std::vector<tcp::endpoint>& candidates) {
  connection_->stream.expires_at(connect_deadline_);
  connection_->stream.async_connect(
      candidates, [self = shared_from_this()](const beast::error_code& ec, const tcp::endpoint&) {
        self->OnConnected(ec);
      });
}

void AsyncExchange::OnConnected(const beast::error_code& ec) {
  if (ec) return Finish(ConnectFailure(ec, peer_, connect_deadline_ >= deadline_));
  beast::error_code ignored;
  // Non-blocking mode lets the pool peek at the socket without waiting (TakeIdle).
  connection_->stream.socket().non_blocking(true, ignored);
  connection_->stream.socket().set_option(tcp::no_delay(true), ignored);
  Write();
}

void AsyncExchange::Write() {
  sent_any_ = false;
  connection_->stream.expires_at(deadline_);
  bhttp::async_write(connection_->stream, request_,
                     beast::bind_front_handler(&AsyncExchange::OnWritten, shared_from_this()));
}

void AsyncExchange::OnWritten(const beast::error_code& ec, std::size_t bytes) {
  sent_any_ = bytes > 0;
  if (ec) return Fail(WriteFailure(ec, peer_));
  Read();
}

void AsyncExchange::Read() {
  parser_.emplace();
  parser_->header_limit(kMaxResponseHeaderBytes);
  parser_->body_limit(options_.max_response_body_bytes);
  parser_->skip(request_.method() == bhttp::verb::head);
  connection_->stream.expires_at(deadline_);
  bhttp::async_read(
      connection_->stream, connection_->buffer, *parser_,
      [self = shared_from_this()](const beast::error_code& ec, std::size_t) { self->OnRead(ec); });
}

void AsyncExchange::OnRead(const beast::error_code& ec) {
  if (ec) return Fail(ReadFailure(ec, peer_, options_.max_response_body_bytes));
  Response response = parser_->release();
  if (response.result_int() >= 100 && response.result_int() < 200) {
    connection_->saw_interim = true;
    if (++interim_answers_ > kMaxInterimAnswers) return Finish(TooManyInterimAnswers(peer_));
    return Read();
  }
  if (request_.keep_alive() && response.keep_alive() && !connection_->saw_interim) {
    slots_->PutIdle(std::move(connection_));
  }
  Finish(std::move(response));
}

void AsyncExchange::Fail(Status status) {
  // A pooled connection may die under the request: the server can close an idle connection
  // just as it is taken. The request is sent again only if nothing of it left, or if doing it
  // twice is harmless.
  const bool may_retry = reused_ && !retried_ && status.code() == StatusCode::kUnavailable &&
                         (!sent_any_ || idempotent_);
  if (!may_retry) return Finish(std::move(status));
  retried_ = true;
  connection_.reset();
  Start();
}

void AsyncExchange::Finish(StatusOr<Response> answer) {
  connection_.reset();
  slots_->Leave();
  AsyncDone done = std::move(done_);
  done_ = nullptr;
  try {
    done(std::move(answer));
  } catch (const std::exception& error) {
    log::Error("an AsyncClient completion threw", {{"peer", peer_}, {"error", error.what()}});
  }
}

}  // namespace market::http::internal
