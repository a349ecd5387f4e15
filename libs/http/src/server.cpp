#include "market/http/server.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "listener.hpp"
#include "market/common/log.hpp"
#include "server_state.hpp"
#include "session.hpp"

namespace market::http {
namespace {

namespace net = boost::asio;

Status CheckOptions(const ServerOptions& options) {
  if (options.io_threads < 1) return InvalidArgumentError("io_threads: must be at least 1");
  if (options.max_header_bytes == 0) {
    return InvalidArgumentError("max_header_bytes: must be positive");
  }
  using Ms = std::chrono::milliseconds;
  if (options.read_timeout <= Ms::zero() || options.idle_timeout <= Ms::zero() ||
      options.write_timeout <= Ms::zero()) {
    return InvalidArgumentError("read_timeout, idle_timeout, write_timeout: must be positive");
  }
  return OkStatus();
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, Handler handler, FailureResponder on_failure)
      : state(std::make_shared<internal::ServerState>(std::move(options), std::move(handler),
                                                      std::move(on_failure))),
        io_context(state->options.io_threads) {}

  void RunIoThread() {
    for (;;) {
      try {
        io_context.run();
        return;
      } catch (const std::exception& e) {
        // Handlers catch their own exceptions; this is a bug or an allocation failure. Serving
        // the other connections beats taking the whole process down.
        log::Error("http io thread caught an exception", {{"error", e.what()}});
      }
    }
  }

  // Declared before io_context: sessions destroyed with the io_context still use it.
  std::shared_ptr<internal::ServerState> state;
  net::io_context io_context;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<internal::Listener> listener;
  std::vector<std::thread> threads;
  std::atomic<std::uint16_t> port{0};
  std::mutex lifecycle_mutex;
  bool started = false;
  bool stopped = false;
};

Server::Server(ServerOptions options, Handler handler, FailureResponder on_failure)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(on_failure))) {
}

Server::~Server() { Shutdown(); }

Status Server::Start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) return FailedPreconditionError("server: already started");
  const ServerOptions& options = impl_->state->options;
  MARKET_RETURN_IF_ERROR(CheckOptions(options));
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) return InvalidArgumentError("address: not an IP address: " + options.address);

  impl_->listener = std::make_shared<internal::Listener>(impl_->io_context, impl_->state);
  MARKET_RETURN_IF_ERROR(impl_->listener->Open({address, options.port}));
  impl_->port.store(impl_->listener->port(), std::memory_order_release);
  impl_->started = true;
  impl_->listener->Run();
  // Keeps run() going while every connection waits on a handler and no operation is pending.
  impl_->work.emplace(impl_->io_context.get_executor());
  impl_->threads.reserve(static_cast<std::size_t>(options.io_threads));
  for (int i = 0; i < options.io_threads; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->RunIoThread(); });
  }
  return OkStatus();
}

std::uint16_t Server::port() const { return impl_->port.load(std::memory_order_acquire); }

void Server::Shutdown() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  auto& state = *impl_->state;
  const auto deadline = std::chrono::steady_clock::now() + state.options.drain_timeout;

  // A session registered after this snapshot sees `stopping` before it waits for a request.
  state.stopping.store(true, std::memory_order_release);
  impl_->listener->Close();
  for (const auto& session : state.LiveSessions()) session->NotifyStopping();
  state.WaitUntilNoConnections(deadline);

  impl_->work.reset();
  impl_->io_context.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  // Past the drain deadline: close whatever is left and cut it off from late answers, with no
  // io thread running, so that nothing touches the io_context once this returns.
  for (const auto& session : state.LiveSessions()) session->CloseAfterIoStopped();
}

std::size_t Server::open_connections() const {
  return impl_->state->open_connections.load(std::memory_order_acquire);
}

std::size_t Server::in_flight_requests() const {
  return impl_->state->in_flight_requests.load(std::memory_order_acquire);
}

}  // namespace market::http
