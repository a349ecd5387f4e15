// Server: serves a Router's methods over the Connect protocol (unary, HTTP/1.1).
//
// Network threads only parse headers and route; decoding, handlers and encoding run on a bounded
// worker pool, so a handler may block on the database. Every refusal is a Connect error body
// (connectrpc.com/docs/protocol), and every response echoes X-Request-Id:
//
//   market::connect::ServerOptions options;
//   options.http.port = 8080;
//   market::connect::Server server(options, router);
//   server.AddHttpRoute("GET", "/healthz", [](const market::http::Request& request) {
//     market::http::Response response(boost::beast::http::status::ok, request.version());
//     response.body() = "ok\n";
//     return response;
//   });
//   server.OnCallFinished([](std::string_view procedure, market::StatusCode code, double s) {...});
//   if (auto status = server.Start(); !status.ok()) return 1;
//   market::http::WaitForTerminationSignal();
//   server.Shutdown();  // in-flight calls finish, then the workers join
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "market/common/status.hpp"
#include "market/connect/router.hpp"
#include "market/http/server.hpp"

namespace market::connect {

struct ServerOptions {
  http::ServerOptions http;
  // Threads that run handlers, and how many accepted calls may wait for one before new calls
  // are refused with `unavailable`.
  std::size_t worker_threads = 4;
  std::size_t max_queued_calls = 1024;
};

using HttpRoute = std::function<http::Response(const http::Request&)>;
using CallObserver =
    std::function<void(std::string_view procedure, StatusCode code, double seconds)>;

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  // Shuts down if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A plain HTTP route beside the RPCs (GET /healthz, /readyz, /metrics), answered on the
  // worker pool. Call before Start(). The path is matched exactly, without the query string.
  void AddHttpRoute(std::string verb, std::string path, HttpRoute route);

  // Called once per answered RPC to a registered procedure, with the code sent and the seconds
  // from routing to answer, on whichever thread answered. Call before Start().
  void OnCallFinished(CallObserver observer);

  Status Start();
  std::uint16_t port() const;

  // Stops accepting, lets in-flight calls finish (bounded by http.drain_timeout), then joins the
  // workers. Idempotent.
  void Shutdown();

  // Calls waiting for a worker, and workers running a call: for pool-usage metrics.
  std::size_t queued_calls() const;
  std::size_t busy_workers() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace market::connect
