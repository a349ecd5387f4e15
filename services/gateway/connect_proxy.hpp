// ConnectProxy: forwards a Connect call to the service that owns its package and returns that
// service's answer unchanged (status, body, content type, Trailer- headers, errors).
//
// The gateway passes on what the service needs to decide for itself: the Authorization header
// (every service verifies the token on its own), the request id, the client's address in
// X-Forwarded-For, and the time left of the caller's deadline as Connect-Timeout-Ms. An
// upstream that cannot be reached is `unavailable` at once; POSTs are never retried, since a
// call may have side effects, while GETs (only NO_SIDE_EFFECTS methods) are retried once.
//
//   ConnectProxy proxy(http_client, upstreams);
//   if (auto answer = proxy.Forward(request, {request_id, peer, deadline})) respond(*answer);
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "market/http/client.hpp"
#include "upstreams.hpp"

namespace market::gateway {

struct ForwardContext {
  std::string request_id;
  std::string peer;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

class ConnectProxy {
 public:
  ConnectProxy(http::Client& client, const Upstreams& upstreams);

  // nullopt when no upstream owns the path (the caller answers it); otherwise the upstream's
  // answer, or a Connect error when the upstream failed to give one.
  std::optional<http::Response> Forward(const http::Request& request,
                                        const ForwardContext& ctx) const;

 private:
  http::Client& client_;
  const Upstreams& upstreams_;
};

}  // namespace market::gateway
