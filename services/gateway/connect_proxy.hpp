// ConnectProxy: forwards a Connect call to the service that owns its package and returns that
// service's answer unchanged (status, body, content type, Trailer- headers, errors).
//
// The gateway passes on what the service needs to decide for itself: the Authorization header
// (every service verifies the token on its own), the request id, the client's address in
// X-Forwarded-For, and the time left of the caller's deadline as Connect-Timeout-Ms. An
// upstream that cannot be reached is `unavailable` at once; POSTs are never retried, since a
// call may have side effects, while GETs (only NO_SIDE_EFFECTS methods) are retried once.
//
// Forwarding is asynchronous: the call goes out on the AsyncClient's thread and the answer comes
// back through `reply`, so no thread waits on a service. Each service has a bounded number of
// calls in flight (AsyncClientOptions); beyond it callers get `unavailable` at once, so a slow
// or dead service never holds the places other services' calls need.
//
//   ConnectProxy proxy(async_client, upstreams);
//   if (!proxy.Forward(request, {request_id, peer, deadline}, std::move(reply))) answer_404();
#pragma once

#include <chrono>
#include <string>

#include "market/connect/server.hpp"
#include "market/http/async_client.hpp"
#include "upstreams.hpp"

namespace market::gateway {

struct ForwardContext {
  std::string request_id;
  std::string peer;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

class ConnectProxy {
 public:
  ConnectProxy(http::AsyncClient& client, const Upstreams& upstreams);

  // false when no upstream owns the path (the caller answers it). Otherwise true, and `reply`
  // later gets the upstream's answer, or a Connect error when the upstream gave none.
  bool Forward(const http::Request& request, const ForwardContext& ctx,
               connect::FallbackReply reply) const;

 private:
  http::AsyncClient& client_;
  const Upstreams& upstreams_;
};

}  // namespace market::gateway
