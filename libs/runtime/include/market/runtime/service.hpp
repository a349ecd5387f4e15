// Service: what a service process is to the host that runs it.
//
// The host (service_host.hpp) owns the plumbing and the service object, and drives it:
//
//   Configure(env)           its own settings, before anything starts (fail fast)
//   Start(parts, router)     build the logic on the host's parts; register the generated glue
//                            (v1::Register(router, *this)) and background work (parts.background)
//   InstallServerHooks(srv)  only for services that shape the server itself (the gateway)
//   ... serving ...
//   Stop()                   after the server drained and background work stopped
//
// The host destroys the service after Stop() and before the parts it was given, so the service
// may keep references to them.
#pragma once

#include "market/common/config.hpp"
#include "market/common/status.hpp"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"
#include "market/runtime/service_parts.hpp"

namespace market::runtime {

class Service {
 public:
  virtual ~Service() = default;

  // Reads the settings only this service has; invalid_argument names the variable and its rule.
  virtual Status Configure(config::Env& /*env*/) { return OkStatus(); }
  virtual Status Start(ServiceParts& parts, connect::Router& router) = 0;
  virtual void InstallServerHooks(connect::Server& /*server*/) {}
  virtual void Stop() {}
};

// A service with no methods of its own yet: the host still serves health, readiness, metrics
// and the outbox relay.
class BareService final : public Service {
 public:
  Status Start(ServiceParts&, connect::Router&) override { return OkStatus(); }
};

}  // namespace market::runtime
