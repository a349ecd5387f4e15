#include "client_exchange_rules.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace market::http::internal {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

}  // namespace

Status ConnectFailure(const beast::error_code& ec, const std::string& peer,
                      bool connect_bound_is_deadline) {
  if (ec == beast::error::timeout) {
    if (connect_bound_is_deadline) {
      return DeadlineExceededError("deadline passed while connecting to " + peer);
    }
    return UnavailableError("connecting to " + peer + " timed out");
  }
  return UnavailableError("cannot connect to " + peer + ": " + ec.message());
}

Status WriteFailure(const beast::error_code& ec, const std::string& peer) {
  if (ec == beast::error::timeout) {
    return DeadlineExceededError("deadline passed while sending to " + peer);
  }
  return UnavailableError("connection to " + peer + " failed while sending: " + ec.message());
}

Status ReadFailure(const beast::error_code& ec, const std::string& peer,
                   std::size_t max_body_bytes) {
  if (ec == beast::error::timeout) {
    return DeadlineExceededError("deadline passed while waiting for " + peer);
  }
  if (ec == bhttp::error::body_limit) {
    return ResourceExhaustedError("response from " + peer + " exceeds " +
                                  std::to_string(max_body_bytes) + " bytes");
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      &ec.category() != &beast::error_code(bhttp::error::bad_method).category()) {
    return UnavailableError("connection to " + peer +
                            " closed before the response: " + ec.message());
  }
  return UnavailableError("malformed response from " + peer + ": " + ec.message());
}

Status TooManyInterimAnswers(const std::string& peer) {
  return UnavailableError("malformed response from " + peer + ": too many interim answers");
}

bool IdleSocketLooksReusable(tcp::socket& socket, std::size_t buffered_bytes) {
  if (buffered_bytes > 0 || !socket.is_open()) return false;
  char byte = 0;
  beast::error_code ec;
  const std::size_t peeked = socket.receive(net::buffer(&byte, 1), tcp::socket::message_peek, ec);
  // Nothing to read is the one healthy state: EOF means the server closed it, bytes mean it
  // answered something nobody asked for.
  return peeked == 0 && ec == net::error::would_block;
}

}  // namespace market::http::internal
