#include "gateway_app.hpp"

namespace market::gateway {

Status GatewayApp::Configure(config::Env& env) {
  MARKET_ASSIGN_OR_RETURN(config_, LoadGatewayConfig(env));
  return OkStatus();
}

Status GatewayApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  if (!config_) return FailedPreconditionError("gateway: started before it was configured");
  gateway_ = std::make_unique<Gateway>(*config_, parts);
  gateway_->AddMethods(router);
  return OkStatus();
}

void GatewayApp::InstallServerHooks(connect::Server& server) { gateway_->Install(server); }

void GatewayApp::Stop() {
  if (gateway_) gateway_->Stop();
}

}  // namespace market::gateway
