// What the blocking Client and the AsyncClient share about one exchange with a server: the
// limits on an answer, how a failed step reads as a Status, and when an idle pooled socket can
// carry the next request. Internal to the http library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include "market/common/status.hpp"

namespace market::http::internal {

// Generous: the answers come from our own services, whose headers are small.
constexpr std::uint32_t kMaxResponseHeaderBytes = 64 << 10;
// RFC 9110 section 15.2: a 1xx is interim, never the answer; the final one follows on the same
// connection. A few interim answers are plenty; endless ones are a broken peer.
constexpr int kMaxInterimAnswers = 8;

// A failed connect: deadline_exceeded when the connect timer was the call's own deadline
// (`connect_bound_is_deadline`), unavailable otherwise.
Status ConnectFailure(const boost::beast::error_code& ec, const std::string& peer,
                      bool connect_bound_is_deadline);
// A failed write of the request.
Status WriteFailure(const boost::beast::error_code& ec, const std::string& peer);
// A failed read of the answer: deadline_exceeded, resource_exhausted past `max_body_bytes`,
// unavailable for a closed connection or a malformed answer.
Status ReadFailure(const boost::beast::error_code& ec, const std::string& peer,
                   std::size_t max_body_bytes);
// The error for an answer that kept sending interim 1xx lines.
Status TooManyInterimAnswers(const std::string& peer);

// Whether an idle connection's socket can carry a request: open, nothing unread, and the
// server has neither closed it nor written to it unasked. Checked without blocking (the socket
// is in non-blocking mode).
bool IdleSocketLooksReusable(boost::asio::ip::tcp::socket& socket, std::size_t buffered_bytes);

}  // namespace market::http::internal
