// AsyncClient: a non-blocking HTTP/1.1 client for proxies, with a keep-alive pool and a bound on
// the calls in flight per endpoint. No thread waits on an answer: the client's own network
// threads (usually one) carry every exchange, and `done` runs when the answer is in.
//
//   market::http::AsyncClient client({.max_in_flight_per_endpoint = 48});
//   client.Send({"127.0.0.1", 8081}, std::move(request), deadline, /*idempotent=*/false,
//               [respond](market::StatusOr<market::http::Response> answer) {
//                 respond(answer.ok() ? std::move(*answer) : ErrorAnswer(answer.status()));
//               });
//
// A slow or dead endpoint holds at most its own in-flight places: calls beyond them are refused
// at once (`unavailable`), so they cannot pile up behind it, and other endpoints never notice.
// The blocking Client (client.hpp) stays the tool for calls made from worker threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "market/common/statusor.hpp"
#include "market/http/client.hpp"
#include "market/http/types.hpp"

namespace market::http {

struct AsyncClientOptions {
  int io_threads = 1;
  // One HTTP/1.1 connection carries one call at a time, so this also bounds the connections to
  // an endpoint: keep it below the endpoint's connections-per-address limit.
  std::size_t max_in_flight_per_endpoint = 48;
  std::size_t max_idle_per_endpoint = 48;
  std::chrono::milliseconds connect_timeout{1000};
  std::size_t max_response_body_bytes = 16 << 20;
  std::chrono::milliseconds max_idle_age{20000};  // pooled connections older than this are dropped
};

// Called exactly once per Send(): on the calling thread when the call is refused before it
// starts (too many in flight, deadline passed), otherwise on one of the client's threads. It
// must not block.
using AsyncDone = std::function<void(StatusOr<Response>)>;

class AsyncClient {
 public:
  explicit AsyncClient(AsyncClientOptions options = {});
  // Calls still in flight end with `unavailable`; their `done` runs before this returns.
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // As Client::Send (the same errors, retries and interim-answer rules), but returns at once.
  // Beyond max_in_flight_per_endpoint the call is refused with `unavailable` before anything
  // is sent. Thread-safe.
  void Send(const Endpoint& endpoint, Request request,
            std::chrono::steady_clock::time_point deadline, bool idempotent, AsyncDone done);

  // Calls to `endpoint` sent and not yet answered, and its idle pooled connections.
  std::size_t in_flight(const Endpoint& endpoint) const;
  std::size_t idle_connections(const Endpoint& endpoint) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace market::http
