// Server: serves a Router's methods over the Connect protocol (unary, HTTP/1.1).
//
// Network threads only parse headers and route; decoding, handlers and encoding run on a bounded
// worker pool, so a handler may block on the database. Every refusal is a Connect error body
// (connectrpc.com/docs/protocol), and every response echoes X-Request-Id. Optional hooks let a
// gateway see every request first (rate limits, CORS preflight), answer unknown paths (proxying)
// and touch every response (CORS headers):
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
//   server.SetFallback([&proxy](const market::http::Request& request,
//                               const market::connect::RequestInfo& info,
//                               market::connect::FallbackReply reply) {
//     return proxy.Forward(request, info, std::move(reply));  // answers from its client thread
//   });
//   server.SetInterceptor([&limiter](const market::http::Request& request,
//                                    const market::connect::RequestInfo& info)
//                             -> std::optional<market::http::Response> {
//     if (limiter.Allow(info.peer)) return std::nullopt;        // on a worker: may call Redis
//     return TooManyRequests(request);                          // answers instead of the call
//   });
//   if (auto status = server.Start(); !status.ok()) return 1;
//   market::http::WaitForTerminationSignal();
//   server.Shutdown();  // in-flight calls finish, then the workers join
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// What the hooks below know of a request besides the request itself.
struct RequestInfo {
  std::string peer;        // the client's IP address, "127.0.0.1" or "::1"; "" when unknown
  std::string request_id;  // X-Request-Id from the caller, or a fresh one; echoed on the answer
  // From Connect-Timeout-Ms, counted from the request's arrival; max() when absent or malformed.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// Returning a response answers the request with it; nullopt lets the request go on.
using Interceptor =
    std::function<std::optional<http::Response>(const http::Request&, const RequestInfo&)>;
// Sends a fallback's answer. Call it once, from any thread; later calls are ignored.
using FallbackReply = std::function<void(http::Response)>;
// Returns false to leave the request to the server's own answer, or true having taken it: then
// `reply` gets the answer, at once or later from any thread, so that a proxy waiting on an
// upstream holds no worker. The request and info are valid during the call only.
using Fallback = std::function<bool(const http::Request&, const RequestInfo&, FallbackReply reply)>;
// What a response decorator knows of the exchange besides the request and its response.
struct AnswerInfo {
  // From the request's arrival (its whole header read) to the decorator's call; zero for the
  // refusals sent before a request was read whole (too large, not HTTP).
  std::chrono::steady_clock::duration elapsed{};
};
// Edits a response just before it is sent (CORS headers), or records it (access logs).
using ResponseDecorator =
    std::function<void(const http::Request&, http::Response&, const AnswerInfo&)>;

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

  // The hooks below are optional and are set before Start() (std::logic_error after). With any of
  // them set, every request is served by one task on the worker pool, where the interceptor may
  // block (on Redis) and the fallback starts its work; with none set, routing and refusals stay
  // on the network threads, which is faster. An interceptor or fallback that throws is answered
  // `internal` (500) without its text, unless the fallback replied first; a decorator that
  // throws is logged and its response sent as it stands. Hooks run concurrently, on several
  // threads at once.

  // Runs first for every request: RPCs, HTTP routes and unknown paths alike, even a request
  // the server would refuse (a CORS preflight OPTIONS, a malformed call). An RPC's deadline
  // counts the time spent here and waiting for a worker: passing meanwhile, it is answered
  // deadline_exceeded on time and the handler never runs (nor the interceptor, when it passed
  // before a worker was free). An answered RPC is reported to the call observer with the code
  // its response carries.
  void SetInterceptor(Interceptor interceptor);

  // Answers requests whose path is neither a registered procedure nor an HTTP route (a gateway
  // forwards them), after the interceptor. A malformed Connect-Timeout-Ms is refused
  // invalid_argument before it is called; the deadline is the fallback's to honour. Declining
  // (false) gives the answer the server would give without one (404 unknown procedure, or 501
  // for a method its services declare but do not implement). An answer given later is still
  // decorated, and the server's drain at shutdown waits for it.
  void SetFallback(Fallback fallback);

  // The last touch on every response the server sends: successes, Connect errors, refusals,
  // hook and fallback answers, deadline_exceeded. It runs on the thread that answers: a worker,
  // the deadline timer's thread, or, for the few answers given without a worker (the pool is
  // full, the request was too large or not HTTP, with only part of its header seen), a network
  // thread: so it must be quick and must not block. X-Request-Id is already set when it runs.
  void SetResponseDecorator(ResponseDecorator decorator);

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
