// Session: one accepted connection, in the shape of Beast's http_server_async example. Every
// step runs on the connection's strand:
//
//   DoRead: wait for the first byte (idle_timeout) -> read the header, then the body, the whole
//   request bounded by read_timeout -> hand it to the handler -> DoWrite the answer
//   (write_timeout) -> DoRead again, or close.
//
// The handler answers through a ReplySlot, which may be used from any thread at any time and
// brings the answer back onto the strand.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "market/http/server.hpp"
#include "server_state.hpp"

namespace market::http::internal {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

// The client's IP as text, "" when the socket cannot tell (the client left); an IPv4-mapped
// IPv6 address (a dual-stack socket's view of an IPv4 client) in its IPv4 form, so one client
// has one name, for RequestInfo::peer and the per-address connection limit alike.
std::string PeerAddress(const boost::asio::ip::tcp::socket& socket);

class ReplySlot;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The socket must have been accepted on `strand`; the connection is already counted in.
  // `peer` is PeerAddress(socket), under which the listener counted the connection in.
  Session(boost::asio::ip::tcp::socket&& socket, Strand strand, std::shared_ptr<ServerState> state,
          std::string peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Run();

  // Called by Shutdown() from its own thread: closes the connection if it waits for a request.
  void NotifyStopping();
  // After the io threads are joined: closes the socket and forgets the pending answer, so that
  // nothing reaches the io_context once Shutdown() has returned.
  void CloseAfterIoStopped();

  // Brings the handler's answer onto the strand; called by ReplySlot under its mutex.
  void Deliver(Response response);

 private:
  enum class Phase { kAwaiting, kReading, kHandling, kWriting, kLingering, kClosed };

  void DoRead();
  void OnFirstBytes(boost::beast::error_code ec, std::size_t bytes);
  // idle_timeout, or idle_timeout_under_pressure once three quarters of the places are taken.
  std::chrono::milliseconds IdleTimeout() const;
  void DoReadHeader();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  void OnHeader();
  void OnWriteContinue(boost::beast::error_code ec, std::size_t bytes);
  void DoReadBody();
  void OnReadBody(boost::beast::error_code ec, std::size_t bytes);
  boost::beast::error_code ParseBuffered(bool header_only);
  void OnReadFailed(boost::beast::error_code ec);

  void HandleRequest();
  void DoWrite(Response response);
  void OnWrite(boost::beast::error_code ec, std::size_t bytes);

  void Refuse(ProtocolFailure failure);
  void OnWriteRefusal(boost::beast::error_code ec, std::size_t bytes);
  void DoLinger();
  void OnLinger(boost::beast::error_code ec, std::size_t bytes);

  void Fail(boost::beast::error_code ec, const char* what);
  void DoClose();
  void FinishRequest();

  std::shared_ptr<ServerState> state_;
  Strand strand_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<Response> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  Phase phase_ = Phase::kAwaiting;
  // Read once per connection: every request on it comes from the same peer.
  RequestInfo info_;

  // The request being answered.
  unsigned version_ = 11;
  bool request_keep_alive_ = false;
  bool head_request_ = false;
  bool response_keep_alive_ = false;
  bool in_flight_ = false;
  // True while the handler runs on this strand: an answer given synchronously is written
  // straight after it returns instead of taking another trip through the strand's queue.
  bool in_handler_ = false;
  std::optional<Response> answered_in_handler_;
  // The pending answer; shared with the Responder's copies until the answer is given.
  std::shared_ptr<ReplySlot> reply_slot_;
  bool counted_ = true;
};

// The one answer a handler owes. The Responder's copies share it through a PendingAnswer; the
// first answer wins. It holds the session only until the answer is given or Shutdown() detaches
// it, and hands the answer over under its mutex, so once Detach() has returned no thread can
// reach the session (or the io_context behind it) through a Responder any more.
class ReplySlot {
 public:
  explicit ReplySlot(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ReplySlot(const ReplySlot&) = delete;
  ReplySlot& operator=(const ReplySlot&) = delete;

  void Answer(Response response);
  // Called when every Responder copy is gone: answers 500 if nothing was answered.
  void Abandon();
  // Any later answer is ignored.
  void Detach();

 private:
  std::mutex mutex_;
  std::shared_ptr<Session> session_;  // null once answered or detached
};

// Lives inside the Responder's copies: the last copy going away abandons the slot.
class PendingAnswer {
 public:
  explicit PendingAnswer(std::shared_ptr<ReplySlot> slot) : slot_(std::move(slot)) {}
  ~PendingAnswer() { slot_->Abandon(); }
  PendingAnswer(const PendingAnswer&) = delete;
  PendingAnswer& operator=(const PendingAnswer&) = delete;

  void Answer(Response response) { slot_->Answer(std::move(response)); }

 private:
  std::shared_ptr<ReplySlot> slot_;
};

}  // namespace market::http::internal
