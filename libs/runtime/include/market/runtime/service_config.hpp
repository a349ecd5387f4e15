// ServiceConfig: everything a service process reads from its environment, in one place.
//
// Twelve-factor: every service reads the same MARKET_* variable names, so one service's
// settings never leak into another's (the local stack and the Kubernetes manifests set them
// per process). The defaults run against the local stack that deploy/local/run.sh starts:
//
//   market::config::Env env;
//   auto config = market::runtime::LoadServiceConfig(kListings, env);
//   if (!config.ok()) { /* print config.status() and exit 1: fail fast on bad config */ }
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "market/common/config.hpp"
#include "market/common/log.hpp"
#include "market/common/statusor.hpp"
#include "market/connect/server.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "market/runtime/token_keys.hpp"

namespace market::runtime {

// What distinguishes one service from another before any configuration is read.
struct ServiceIdentity {
  std::string_view name;               // "listings": also its schema and database role suffix
  std::string_view full_service_name;  // "market.listings.v1.ListingsService"
  std::uint16_t default_port;          // its port in the local stack
  // The gateway signs user tokens with the "users" key; every other process signs only its own
  // service tokens, with a "service=<name>" key.
  bool signs_user_tokens = false;
};

struct ServiceConfig {
  std::string name;
  std::string full_service_name;
  connect::ServerOptions server;
  pg::PoolOptions pg;
  std::string pg_schema;
  // Two roles, which may be one server: `events` holds Streams (durable: append-only, fsync
  // always), `cache` holds cache entries, rate limits and the login throttle (ephemeral:
  // nothing on disk, memory-bounded, every key with an expiry).
  redis::Options redis_events;
  redis::Options redis_cache;
  TokenKeys tokens;
  log::Level log_level = log::Level::kInfo;
  // Whether this process runs the outbox relay for its schema.
  bool relay_events = true;
  // Unique per process and stable across its restarts (a pod name): event consumers read under
  // it, so a restarted process finds the entries it had pending.
  std::string instance_name;
  // How often the background check pings PostgreSQL and Redis for health and readiness.
  std::chrono::milliseconds readiness_interval{1000};
};

// Reads the MARKET_* variables (see the README's configuration table). invalid_argument names
// every bad variable and its rule. Development secrets (the local database password, generated
// token keys) are used only when the server listens on loopback; elsewhere a missing secret
// refuses the start naming its variable.
StatusOr<ServiceConfig> LoadServiceConfig(const ServiceIdentity& identity, config::Env& env);

}  // namespace market::runtime
