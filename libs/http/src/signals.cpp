#include "market/http/signals.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace market::http {

void WaitForTerminationSignal() {
  // A private io_context: the wait must not depend on any server's threads, and the signal_set
  // restores the default actions when it is destroyed.
  boost::asio::io_context io_context(1);
  boost::asio::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int) {});
  io_context.run();
}

}  // namespace market::http
