// Gateway: the single public entry of the marketplace, as parts on a Connect server.
//
// It serves market.identity.v1.IdentityService itself and forwards every other
// market.<service>.v1 package to the service that owns it, and serves the operator console's
// static files under /console/. Before any call it answers CORS
// preflights and applies the rate limits (per client address always, per account when the
// call carries a valid token); after, it adds CORS headers and writes the access log. It
// authorises nothing on the services' behalf: each service checks the token and the caller's
// rights itself.
//
//   Gateway gateway(gateway_config, parts);
//   gateway.AddMethods(router);   // identity
//   gateway.Install(server);      // interceptor, proxy fallback, response decorator
//   ... serving ...
//   gateway.Stop();               // after the server drained
#pragma once

#include <memory>
#include <optional>

#include "connect_proxy.hpp"
#include "console_files.hpp"
#include "cors.hpp"
#include "gateway_config.hpp"
#include "identity_service.hpp"
#include "login_throttle.hpp"
#include "market/auth/token.hpp"
#include "market/connect/server.hpp"
#include "market/http/async_client.hpp"
#include "market/runtime/service_parts.hpp"
#include "password_hasher.hpp"
#include "rate_limiter.hpp"

namespace market::gateway {

class Gateway {
 public:
  Gateway(GatewayConfig config, runtime::ServiceParts& parts, ConsoleFiles console = {});

  void AddMethods(connect::Router& router);
  void Install(connect::Server& server);
  // After the server drained: calls still waiting on a service are answered `unavailable` now,
  // while the server they answer through still exists.
  void Stop();

 private:
  // CORS preflight and rate limits; nullopt lets the request through.
  std::optional<http::Response> Admit(const http::Request& request,
                                      const connect::RequestInfo& info);
  bool Forward(const http::Request& request, const connect::RequestInfo& info,
               connect::FallbackReply reply);
  // CORS headers, then the access log line: method, path, status, latency, and the upstream
  // service the path routes to ("gateway" for the paths the gateway serves itself).
  void Finish(const http::Request& request, http::Response& response,
              const connect::AnswerInfo& answer);

  GatewayConfig config_;
  const auth::TokenVerifier& verifier_;
  // The users key: only the gateway signs user tokens (market/runtime/token_keys.hpp).
  std::shared_ptr<const auth::TokenSigner> signer_;
  LoginThrottle login_throttle_;
  PasswordHasher password_hasher_;
  RateLimiter rate_limiter_;
  IdentityService identity_;
  // Proxied calls wait on this client's thread, never on a worker.
  std::unique_ptr<http::AsyncClient> upstream_client_;
  ConnectProxy proxy_;
  CorsPolicy cors_;
  ConsoleFiles console_;
};

}  // namespace market::gateway
