// Server: an HTTP/1.1 keep-alive server on Boost.Beast that hands each complete request to one
// handler and writes the answer the handler gives, whenever and from whichever thread it comes.
//
//   market::http::Server server({.port = 8080, .io_threads = 2},
//       [&pool](market::http::Request request, const market::http::RequestInfo& info,
//               market::http::Responder respond) {
//         pool.Post([request = std::move(request), peer = info.peer,
//                    respond = std::move(respond)]() mutable {
//           respond(BuildAnswer(request, peer));   // on a worker thread, may block there
//         });
//       });
//   if (auto started = server.Start(); !started.ok()) return Fail(started);
//   market::http::WaitForTerminationSignal();
//   server.Shutdown();   // drains what is in flight
//
// Every connection has its own strand, so one connection's handlers never run concurrently and
// a slow or hostile client holds nothing but its own socket: the limits below bound its bytes
// and its time. The network threads never block; a handler must not block them either.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "market/common/status.hpp"
#include "market/http/types.hpp"

namespace market::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port; port() tells which
  int io_threads = 1;
  std::size_t max_body_bytes = 4 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{10000};  // a whole request, from its first byte
  std::chrono::milliseconds idle_timeout{60000};  // waiting on a keep-alive connection
  // Under pressure (three quarters of max_connections open) a connection that starts waiting
  // for its next request waits at most this long, so idle clients give their places back to
  // new ones instead of locking them out for idle_timeout.
  std::chrono::milliseconds idle_timeout_under_pressure{5000};
  std::chrono::milliseconds write_timeout{10000};
  std::size_t max_connections = 1024;  // beyond it new connections are refused
  // One client address may hold at most this many of them, so that one client cannot take
  // every place (and hold it idle) to lock everyone else out; beyond it its new connections
  // are refused.
  std::size_t max_connections_per_address = 64;
  std::chrono::milliseconds drain_timeout{30000};  // Shutdown's bound on in-flight work
};

// Sends the answer to one request. Call it exactly once, from any thread; later calls are
// ignored. Dropping every copy without calling it answers 500, so a lost request never hangs
// its connection. Calls after Shutdown() returned are ignored.
using Responder = std::function<void(Response)>;

// What the server knows of a request beyond its bytes.
struct RequestInfo {
  // The client's IP address as text, without port: "127.0.0.1", "::1". An IPv4 client reaching
  // a dual-stack socket is shown in IPv4 form, so one client has one name. "" when the socket
  // could not tell (the client left as it connected).
  std::string peer;
};

// Called once per complete request on a network thread. It must not block: it answers at once
// or hands the work elsewhere. The server sets Content-Length, the HTTP version and Connection
// on the answer; a handler that wants the connection closed sets `Connection: close` itself.
// An exception escaping it is logged and answered with 500. `info` is valid during the call only:
// copy what is needed later.
using Handler = std::function<void(Request request, const RequestInfo& info, Responder respond)>;

// Builds the answer for a request the server refused to read to the end; the server then closes
// the connection. `header` holds what was parsed (may be partial or empty). Runs on a network
// thread and must not block.
using FailureResponder = std::function<Response(ProtocolFailure failure, const Request& header)>;

// The answer used when no FailureResponder is given: plain text 413, 431 or 400.
Response DefaultFailureResponse(ProtocolFailure failure, const Request& header);

class Server {
 public:
  Server(ServerOptions options, Handler handler, FailureResponder on_failure = {});
  ~Server();  // Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the io threads. invalid_argument for a bad address or option,
  // unavailable when the port cannot be bound; failed_precondition when called twice.
  Status Start();
  // The bound port (the chosen one when ServerOptions::port was 0); 0 before Start().
  std::uint16_t port() const;

  // Graceful: stops accepting; requests already being read or handled complete and are answered
  // with `Connection: close`; idle keep-alive connections close at once; after drain_timeout
  // everything is closed. Returns when all io threads have finished. Idempotent. Never call it
  // from a handler: it waits for the network threads, one of which would be its caller.
  void Shutdown();

  std::size_t open_connections() const;
  // Requests read whole and not yet answered to the end.
  std::size_t in_flight_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace market::http
