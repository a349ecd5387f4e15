#include "listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "market/common/log.hpp"
#include "session.hpp"

namespace market::http::internal {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::chrono::milliseconds kAcceptBackoff{50};

}  // namespace

Listener::Listener(net::io_context& io_context, std::shared_ptr<ServerState> state)
    : io_context_(io_context),
      state_(std::move(state)),
      acceptor_(net::make_strand(io_context)),
      backoff_(acceptor_.get_executor()) {}

Status Listener::Open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  const auto where = [&] {
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) + ": " +
           ec.message();
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return UnavailableError("cannot open a socket for " + where());
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return UnavailableError("cannot set SO_REUSEADDR for " + where());
  acceptor_.bind(endpoint, ec);
  if (ec == boost::system::errc::address_not_available) {
    return InvalidArgumentError("address: not an address of this host: " + where());
  }
  if (ec) return UnavailableError("cannot bind " + where());
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + where());
  return OkStatus();
}

std::uint16_t Listener::port() const {
  beast::error_code ec;
  const auto local = acceptor_.local_endpoint(ec);
  return ec ? 0 : local.port();
}

void Listener::Run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::DoAccept, shared_from_this()));
}

void Listener::Close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->backoff_.cancel();
  });
}

void Listener::DoAccept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(io_context_),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // Close() ran
  if (ec) {
    log::Warn("http accept failed", {{"error", ec.message().c_str()}});
    backoff_.expires_after(kAcceptBackoff);
    backoff_.async_wait([self = shared_from_this()](beast::error_code) { self->DoAccept(); });
    return;
  }
  std::string peer = PeerAddress(socket);
  if (state_->stopping.load(std::memory_order_acquire) || !state_->ConnectionOpened(peer)) {
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    Strand strand = *socket.get_executor().target<Strand>();
    auto session =
        std::make_shared<Session>(std::move(socket), std::move(strand), state_, std::move(peer));
    state_->Register(session);
    session->Run();
  }
  DoAccept();
}

}  // namespace market::http::internal
