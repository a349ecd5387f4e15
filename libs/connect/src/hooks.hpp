// Calling the server's optional hooks (interceptor, fallback, response decorator) safely: a hook
// is user code, so its exceptions are caught here and never reach a worker or the timer thread.
// Internal to the server.
//
//   if (auto answer = CallHook(hooks.interceptor, request, info)) return Send(std::move(*answer));
//   if (CallFallback(hooks.fallback, request, info, send)) return;   // `send` answers, now or
//   later Decorate(hooks.decorator, request, response, started);   // no-op when unset
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "market/common/status.hpp"
#include "market/connect/server.hpp"
#include "market/http/types.hpp"

namespace market::connect::internal {

// What Server::Set...() installed; empty functions are unset. Read-only once the server runs.
struct Hooks {
  Interceptor interceptor;
  Fallback fallback;
  ResponseDecorator decorator;

  bool any() const { return interceptor || fallback || decorator; }
};

// Runs the interceptor inside the request's log scope. Its answer gets X-Request-Id when it has
// none; a throwing interceptor is answered internal.
std::optional<http::Response> CallHook(const Interceptor& hook, const http::Request& request,
                                       const RequestInfo& info);

// Runs the fallback inside the request's log scope; true when it took the request. Then `send`
// runs exactly once, with the fallback's answer (given X-Request-Id when it has none), or with
// `internal` when the fallback threw before replying. Later replies are dropped.
bool CallFallback(const Fallback& fallback, const http::Request& request, const RequestInfo& info,
                  std::function<void(http::Response)> send);

// Applies `decorator` when set, telling it the time since `started`, or zero when `started` is
// unknown (time_point{}); an exception is logged and the response left as it stands.
void Decorate(const ResponseDecorator& decorator, const http::Request& request,
              http::Response& response, std::chrono::steady_clock::time_point started);

// The Connect code a client reads from `response`: OK for 2xx, else the code of its error body,
// or the one the spec infers from its HTTP status. For the call observer.
StatusCode CodeOf(const http::Response& response);

}  // namespace market::connect::internal
