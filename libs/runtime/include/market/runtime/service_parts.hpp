// ServiceParts: what a service's logic may use, owned by its host (service_host.hpp) and alive
// until the host has stopped and destroyed the service.
#pragma once

#include "market/auth/token.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "market/runtime/background.hpp"
#include "market/runtime/service_config.hpp"

namespace market::runtime {

struct ServiceParts {
  const ServiceConfig& config;
  pg::Pool& pg;
  redis::Client& redis;
  const auth::TokenVerifier& tokens;
  // Event consumers and timer workers; they start once the server listens.
  Background& background;
};

}  // namespace market::runtime
