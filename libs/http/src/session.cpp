#include "session.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "market/common/log.hpp"
#include "responses.hpp"

namespace market::http::internal {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// The first read on an idle connection: a typical RPC request arrives whole in it.
constexpr std::size_t kFirstReadBytes = 8192;
// The read buffer's bound beyond the header limit. Body bytes leave the buffer as they are
// parsed, but a chunk header line and the trailers must be buffered whole before the parser
// can take them, and Beast bounds neither: without a bound a client could stream one endless
// chunk extension or trailer into memory. Past it the read fails with buffer_overflow.
constexpr std::size_t kBufferBeyondHeader = 16384;
// RFC 9112 section 7.1.1: extensions carry nothing the server uses; a long one is refused as
// malformed rather than passed on.
constexpr std::size_t kMaxChunkExtensionBytes = 256;
// How long a refused client may go on sending before its socket is closed. Closing while its
// bytes are unread makes the kernel answer with RST, which can destroy the refusal in flight.
constexpr std::chrono::milliseconds kMaxLinger{1000};

// The peer went away, a timeout cut it off, or Shutdown() closed it: nothing worth a log line.
bool IsDisconnect(beast::error_code ec) {
  return ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
         ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
         ec == net::error::not_connected || ec == beast::error::timeout ||
         ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message;
}

bool IsHttpSyntaxError(beast::error_code ec) {
  return &ec.category() == &beast::error_code(bhttp::error::bad_method).category();
}

// Beast keeps a reference to the callback for the parser's life: one object for every parser.
auto check_chunk_extensions = [](std::uint64_t, beast::string_view extensions,
                                 beast::error_code& ec) {
  if (extensions.size() > kMaxChunkExtensionBytes) ec = bhttp::error::bad_chunk_extension;
};

}  // namespace

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return {};
  const net::ip::address address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

Session::Session(tcp::socket&& socket, Strand strand, std::shared_ptr<ServerState> state,
                 std::string peer)
    : state_(std::move(state)),
      strand_(std::move(strand)),
      stream_(std::move(socket)),
      buffer_(std::max(state_->options.max_header_bytes, kFirstReadBytes) + kBufferBeyondHeader),
      continue_(bhttp::status::continue_, 11) {
  info_.peer = std::move(peer);
}

Session::~Session() {
  FinishRequest();
  if (counted_) state_->ConnectionClosed(info_.peer);
  state_->Unregister(this);
}

void Session::Run() {
  // We need to be executing within the strand to perform async operations on the stream.
  net::dispatch(strand_, beast::bind_front_handler(&Session::DoRead, shared_from_this()));
}

void Session::NotifyStopping() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->phase_ == Phase::kAwaiting) self->DoClose();
  });
}

void Session::CloseAfterIoStopped() {
  if (reply_slot_) {
    reply_slot_->Detach();
    reply_slot_.reset();
  }
  DoClose();
}

void Session::DoRead() {
  phase_ = Phase::kAwaiting;
  // A response written while Shutdown() began may still have said keep-alive.
  if (state_->stopping.load(std::memory_order_acquire)) return DoClose();

  parser_.emplace();
  parser_->eager(true);
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(state_->options.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(state_->options.max_body_bytes);
  parser_->on_chunk_header(check_chunk_extensions);

  if (buffer_.size() > 0) {  // the client pipelined its next request
    return OnFirstBytes({}, 0);
  }
  stream_.expires_after(IdleTimeout());
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

std::chrono::milliseconds Session::IdleTimeout() const {
  const ServerOptions& options = state_->options;
  const std::size_t open = state_->open_connections.load(std::memory_order_acquire);
  if (open * 4 >= options.max_connections * 3) {
    return std::min(options.idle_timeout, options.idle_timeout_under_pressure);
  }
  return options.idle_timeout;
}

void Session::OnFirstBytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return Fail(ec, "read");  // idle timeout, the peer left, or Shutdown() closed it
  buffer_.commit(bytes);
  // read_timeout bounds the whole request from its first byte, however slowly it trickles.
  phase_ = Phase::kReading;
  stream_.expires_after(state_->options.read_timeout);
  DoReadHeader();
}

void Session::DoReadHeader() {
  if (auto ec = ParseBuffered(/*header_only=*/true)) return OnReadFailed(ec);
  if (parser_->is_header_done()) return OnHeader();
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, std::size_t) {
  if (ec) return OnReadFailed(ec);
  OnHeader();
}

void Session::OnHeader() {
  // RFC 9110 section 10.1.1: a client that sent `Expect: 100-continue` may hold its body back
  // until told to go on (curl does, for a second, on bodies over 1 KiB).
  if (!parser_->is_done() && beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
    bhttp::async_write(stream_, continue_,
                       beast::bind_front_handler(&Session::OnWriteContinue, shared_from_this()));
    return;
  }
  DoReadBody();
}

void Session::OnWriteContinue(beast::error_code ec, std::size_t) {
  if (ec) return Fail(ec, "write");
  DoReadBody();
}

void Session::DoReadBody() {
  if (auto ec = ParseBuffered(/*header_only=*/false)) return OnReadFailed(ec);
  if (parser_->is_done()) return HandleRequest();
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, std::size_t) {
  if (ec) return OnReadFailed(ec);
  HandleRequest();
}

// Feeds what is already buffered to the parser, as Beast's read operations do first, so that a
// request which arrived whole takes no further trip through the strand.
beast::error_code Session::ParseBuffered(bool header_only) {
  beast::error_code ec;
  while (buffer_.size() > 0 && !(header_only ? parser_->is_header_done() : parser_->is_done())) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) return {};
    if (ec) return ec;
    if (used == 0) break;
  }
  return {};
}

void Session::OnReadFailed(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return Refuse(ProtocolFailure::kBodyTooLarge);
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    return Refuse(ProtocolFailure::kHeaderTooLarge);
  }
  if (!IsDisconnect(ec) && IsHttpSyntaxError(ec)) {
    return Refuse(ProtocolFailure::kMalformedRequest);
  }
  Fail(ec, "read");
}

void Session::HandleRequest() {
  phase_ = Phase::kHandling;
  Request request = parser_->release();
  version_ = request.version();
  request_keep_alive_ = request.keep_alive();
  head_request_ = request.method() == bhttp::verb::head;
  in_flight_ = true;
  state_->in_flight_requests.fetch_add(1, std::memory_order_relaxed);

  reply_slot_ = std::make_shared<ReplySlot>(shared_from_this());
  // Held here too, so that a throwing handler is reported as such and not as a dropped answer.
  auto pending = std::make_shared<PendingAnswer>(reply_slot_);
  in_handler_ = true;
  try {
    state_->handler(std::move(request), info_,
                    [pending](Response response) { pending->Answer(std::move(response)); });
  } catch (...) {
    // Handler exceptions never reach Asio: they are a bug in the handler, answered with a bare
    // 500. Only the type is logged: an exception's text may carry SQL or a secret.
    log::Error("http handler threw", {{"exception", log::CurrentExceptionType()}});
    pending->Answer(InternalErrorResponse());
  }
  pending.reset();  // a handler that kept no copy and gave no answer gets its 500 now
  in_handler_ = false;

  if (answered_in_handler_) {
    Response response = std::move(*answered_in_handler_);
    answered_in_handler_.reset();
    DoWrite(std::move(response));
  }
}

void Session::Deliver(Response response) {
  // Reading in_handler_ is safe only on the strand, which running_in_this_thread() checks first.
  if (strand_.running_in_this_thread() && in_handler_) {
    answered_in_handler_ = std::move(response);
    return;
  }
  net::post(strand_, [self = shared_from_this(), response = std::move(response)]() mutable {
    self->DoWrite(std::move(response));
  });
}

void Session::DoWrite(Response response) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile by Shutdown()'s deadline
  reply_slot_.reset();
  response_keep_alive_ = request_keep_alive_ && response.keep_alive() &&
                         !state_->stopping.load(std::memory_order_acquire);
  response.version(version_);
  response.keep_alive(response_keep_alive_);
  response.prepare_payload();
  // RFC 9110 section 9.3.2: the answer to HEAD announces the body's length but carries none.
  if (head_request_) response.body().clear();
  response_ = std::move(response);
  phase_ = Phase::kWriting;
  stream_.expires_after(state_->options.write_timeout);
  bhttp::async_write(stream_, *response_,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, std::size_t) {
  response_.reset();
  FinishRequest();
  if (ec) return Fail(ec, "write");
  if (!response_keep_alive_) return DoClose();
  DoRead();
}

void Session::Refuse(ProtocolFailure failure) {
  const Request& header = parser_->get();
  Response response;
  try {
    response = state_->on_failure ? state_->on_failure(failure, header)
                                  : DefaultFailureResponse(failure, header);
  } catch (...) {
    log::Error("http failure responder threw", {{"exception", log::CurrentExceptionType()}});
    response = DefaultFailureResponse(failure, header);
  }
  response.version(11);
  response.keep_alive(false);
  response.prepare_payload();
  response_ = std::move(response);
  phase_ = Phase::kWriting;
  stream_.expires_after(state_->options.write_timeout);
  bhttp::async_write(stream_, *response_,
                     beast::bind_front_handler(&Session::OnWriteRefusal, shared_from_this()));
}

void Session::OnWriteRefusal(beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return Fail(ec, "write");
  DoLinger();
}

void Session::DoLinger() {
  phase_ = Phase::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(kMaxLinger, state_->options.read_timeout));
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, std::size_t) {
  if (ec) return DoClose();  // the client read the refusal and left, or lingered too long
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::Fail(beast::error_code ec, const char* what) {
  if (!IsDisconnect(ec)) {
    log::Warn("http connection failed", {{"during", what}, {"error", ec.message().c_str()}});
  }
  DoClose();
}

void Session::DoClose() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.close();
  FinishRequest();
  if (counted_) {
    counted_ = false;
    state_->ConnectionClosed(info_.peer);
  }
}

void Session::FinishRequest() {
  if (!in_flight_) return;
  in_flight_ = false;
  state_->in_flight_requests.fetch_sub(1, std::memory_order_relaxed);
}

void ReplySlot::Answer(Response response) {
  std::lock_guard lock(mutex_);
  // Declared after the lock, so the reference is gone before another thread can take the mutex.
  std::shared_ptr<Session> session = std::move(session_);
  if (session) session->Deliver(std::move(response));
}

void ReplySlot::Abandon() {
  std::lock_guard lock(mutex_);
  std::shared_ptr<Session> session = std::move(session_);
  if (!session) return;
  log::Error("http handler dropped its responder without answering");
  session->Deliver(InternalErrorResponse());
}

void ReplySlot::Detach() {
  std::lock_guard lock(mutex_);
  session_.reset();
}

}  // namespace market::http::internal
