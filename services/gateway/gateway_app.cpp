#include "gateway_app.hpp"

#include <cstdint>
#include <filesystem>
#include <system_error>

#include "market/common/log.hpp"

namespace market::gateway {
namespace {

// The console's files, or none when no directory is configured, or when the default one (the
// build's copy) is absent: a gateway may run without the console, but never with a console
// directory someone named and that does not load.
StatusOr<ConsoleFiles> LoadConsole(const GatewayConfig& config) {
  if (config.console_dir.empty()) return ConsoleFiles();
  std::error_code error;
  if (!config.console_dir_required && !std::filesystem::exists(config.console_dir, error)) {
    log::Warn("no operator console: its default directory is absent",
              {{"dir", config.console_dir}});
    return ConsoleFiles();
  }
  MARKET_ASSIGN_OR_RETURN(ConsoleFiles console, ConsoleFiles::Load(config.console_dir));
  log::Info("operator console loaded",
            {{"dir", config.console_dir}, {"files", static_cast<std::int64_t>(console.size())}});
  return console;
}

}  // namespace

Status GatewayApp::Configure(config::Env& env) {
  MARKET_ASSIGN_OR_RETURN(config_, LoadGatewayConfig(env));
  return OkStatus();
}

Status GatewayApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  if (!config_) return FailedPreconditionError("gateway: started before it was configured");
  MARKET_ASSIGN_OR_RETURN(ConsoleFiles console, LoadConsole(*config_));
  gateway_ = std::make_unique<Gateway>(*config_, parts, std::move(console));
  gateway_->AddMethods(router);
  return OkStatus();
}

void GatewayApp::InstallServerHooks(connect::Server& server) { gateway_->Install(server); }

void GatewayApp::Stop() {
  if (gateway_) gateway_->Stop();
}

}  // namespace market::gateway
