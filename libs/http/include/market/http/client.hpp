// Client: a thread-safe, blocking HTTP/1.1 client with a keep-alive pool per endpoint, for
// service-to-service calls made from worker threads (never from the server's network threads).
//
//   market::http::Client client;
//   market::http::Request request{boost::beast::http::verb::post,
//                                 "/market.bidding.v1.BiddingService/PlaceBid", 11};
//   request.set(boost::beast::http::field::content_type, "application/proto");
//   request.body() = payload;
//   auto response = client.Send({"127.0.0.1", 8081}, std::move(request),
//                               std::chrono::steady_clock::now() + std::chrono::seconds(2),
//                               /*idempotent=*/false);
//   if (!response.ok()) return response.status();   // unavailable or deadline_exceeded
//
// Each connection runs on a private io_context driven by the calling thread, so a call costs no
// thread hop and its deadline bounds connect, write and read alike.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "market/common/statusor.hpp"
#include "market/http/types.hpp"

namespace market::http {

struct Endpoint {
  std::string host;  // an IP address or a name (names are resolved without the deadline)
  std::uint16_t port = 0;
};

struct ClientOptions {
  std::size_t max_idle_per_endpoint = 32;
  std::chrono::milliseconds connect_timeout{1000};
  std::size_t max_response_body_bytes = 16 << 20;
  std::chrono::milliseconds max_idle_age{20000};  // pooled connections older than this are dropped
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request` over a pooled keep-alive connection to `endpoint`, waiting at most until
  // `deadline`, and returns the response whatever its HTTP status. Errors: unavailable (refused,
  // reset, closed, malformed answer), deadline_exceeded, resource_exhausted (response body over
  // max_response_body_bytes). A pooled connection found dead before the request went out is
  // replaced; after a request was written, a failure is retried once on a fresh connection only
  // when `idempotent` is true: a call that is not idempotent is never sent twice.
  // Host, Content-Length and Connection are set here.
  StatusOr<Response> Send(const Endpoint& endpoint, Request request,
                          std::chrono::steady_clock::time_point deadline, bool idempotent);

  // Idle connections currently pooled for `endpoint`.
  std::size_t idle_connections(const Endpoint& endpoint) const;

 private:
  class Pool;
  ClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace market::http
