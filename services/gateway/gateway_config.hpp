// GatewayConfig: the gateway's own settings, beside the ServiceConfig every service reads.
//
//   auto gateway = LoadGatewayConfig(env);   // invalid_argument naming each bad variable
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "login_throttle.hpp"
#include "market/common/config.hpp"
#include "password_hasher.hpp"
#include "rate_limiter.hpp"
#include "session_lifetimes.hpp"
#include "upstreams.hpp"

namespace market::gateway {

struct GatewayConfig {
  SessionLifetimes sessions;
  // Calls from a signed-in account are limited per account; every call also per client address
  // (a looser budget, since several people may share an address).
  RateLimit per_account{.per_second = 20, .burst = 40};
  RateLimit per_address{.per_second = 50, .burst = 100};
  LoginThrottleOptions login_throttle;
  PasswordHasherOptions password_hashing{};
  // Register and Login each cost a scrypt hash: a budget of them per client address, well below
  // the address's general one, so one address cannot keep the hashing pool busy.
  RateLimit password_per_address{.per_second = 0.5, .burst = 10};
  std::vector<std::string> cors_origins;
  Upstreams upstreams{{}};
  // Bound on a proxied call whose caller set no deadline, so a hung service cannot hold its
  // in-flight places forever.
  std::chrono::milliseconds upstream_timeout{30000};
  // Calls in flight to one service at once (each holds one connection to it); beyond them a
  // call is refused `unavailable` at once. Keep it below the services'
  // MARKET_MAX_CONNECTIONS_PER_ADDRESS (64), since a service sees the gateway as one address.
  std::size_t upstream_max_in_flight = 48;
  // Where the operator console's files are (console_files.hpp); empty for no console. A
  // directory named by MARKET_CONSOLE_DIR must load, or the gateway does not start; the
  // default, the build's copy, may be absent (a gateway installed without the console).
  std::string console_dir;
  bool console_dir_required = false;
};

StatusOr<GatewayConfig> LoadGatewayConfig(config::Env& env);

}  // namespace market::gateway
