// GatewayApp: the gateway as its host runs it (market/runtime/service.hpp): its own settings,
// the identity service's methods, and the server hooks that make it the public entry.
#pragma once

#include <memory>
#include <optional>

#include "gateway.hpp"
#include "gateway_config.hpp"
#include "market/runtime/service.hpp"

namespace market::gateway {

class GatewayApp final : public runtime::Service {
 public:
  GatewayApp() = default;
  // Already configured (tests): Configure() is then not needed.
  explicit GatewayApp(GatewayConfig config) : config_(std::move(config)) {}

  Status Configure(config::Env& env) override;
  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;
  void InstallServerHooks(connect::Server& server) override;
  void Stop() override;

 private:
  std::optional<GatewayConfig> config_;
  std::unique_ptr<Gateway> gateway_;
};

}  // namespace market::gateway
