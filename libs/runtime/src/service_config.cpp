#include "market/runtime/service_config.hpp"

#include <chrono>
#include <optional>
#include <string>

#include <unistd.h>

#include "market/common/text.hpp"
#include "market/pg/conninfo.hpp"

namespace market::runtime {
namespace {

using std::chrono::milliseconds;

// Local-stack defaults. deploy/local/run.sh starts PostgreSQL and Redis on these ports; a
// service on loopback without MARKET_PG_PASSWORD uses its role's local development password.
constexpr std::uint16_t kLocalPostgresPort = 15432;
constexpr std::uint16_t kLocalRedisEventsPort = 16379;
constexpr std::uint16_t kLocalRedisCachePort = 16380;

StatusOr<log::Level> ParseLogLevel(std::string_view name) {
  if (const std::optional<log::Level> level = log::LevelFromName(name)) return *level;
  return InvalidArgumentError("MARKET_LOG_LEVEL: must be one of debug, info, warn, error, got " +
                              text::Quoted(name, 32));
}

// MARKET_REDIS_<ROLE>_HOST, _PORT, _PASSWORD, _TIMEOUT_MS.
redis::Options ReadRedis(config::Env& env, std::string_view role, std::uint16_t default_port) {
  const std::string prefix = "MARKET_REDIS_" + std::string(role) + "_";
  redis::Options options;
  options.host = env.String(prefix + "HOST", "127.0.0.1");
  options.port = env.Port(prefix + "PORT", default_port);
  options.password = env.Secret(prefix + "PASSWORD", "");
  options.command_timeout =
      env.Millis(prefix + "TIMEOUT_MS", milliseconds(500), milliseconds(1), milliseconds(60000));
  return options;
}

// Consumer names must be stable across restarts; the host name is, in a pod or on a machine.
std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "local";
  return name;
}

}  // namespace

StatusOr<ServiceConfig> LoadServiceConfig(const ServiceIdentity& identity, config::Env& env) {
  ServiceConfig config;
  config.name = std::string(identity.name);
  config.full_service_name = std::string(identity.full_service_name);

  auto& http = config.server.http;
  http.address = env.String("MARKET_HTTP_ADDRESS", "127.0.0.1");
  http.port = env.Port("MARKET_HTTP_PORT", identity.default_port);
  http.io_threads = static_cast<int>(env.Int("MARKET_IO_THREADS", 1, 1, 64));
  http.max_body_bytes =
      static_cast<std::size_t>(env.Int("MARKET_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20));
  http.max_header_bytes =
      static_cast<std::size_t>(env.Int("MARKET_MAX_HEADER_BYTES", 16 << 10, 1024, 1 << 20));
  http.read_timeout = env.Millis("MARKET_READ_TIMEOUT_MS", milliseconds(10000), milliseconds(100),
                                 milliseconds(600000));
  http.idle_timeout = env.Millis("MARKET_IDLE_TIMEOUT_MS", milliseconds(60000), milliseconds(100),
                                 milliseconds(3600000));
  http.idle_timeout_under_pressure =
      env.Millis("MARKET_IDLE_TIMEOUT_UNDER_PRESSURE_MS", milliseconds(5000), milliseconds(100),
                 milliseconds(3600000));
  http.write_timeout = env.Millis("MARKET_WRITE_TIMEOUT_MS", milliseconds(10000), milliseconds(100),
                                  milliseconds(600000));
  http.max_connections =
      static_cast<std::size_t>(env.Int("MARKET_MAX_CONNECTIONS", 1024, 1, 100000));
  http.max_connections_per_address =
      static_cast<std::size_t>(env.Int("MARKET_MAX_CONNECTIONS_PER_ADDRESS", 64, 1, 100000));
  http.drain_timeout = env.Millis("MARKET_DRAIN_TIMEOUT_MS", milliseconds(25000), milliseconds(0),
                                  milliseconds(600000));
  config.server.worker_threads =
      static_cast<std::size_t>(env.Int("MARKET_WORKER_THREADS", 8, 1, 256));
  config.server.max_queued_calls =
      static_cast<std::size_t>(env.Int("MARKET_MAX_QUEUED_CALLS", 1024, 1, 1000000));

  const std::string default_role = "market_" + config.name;
  const std::string pg_host = env.String("MARKET_PG_HOST", "127.0.0.1");
  const std::uint16_t pg_port = env.Port("MARKET_PG_PORT", kLocalPostgresPort);
  const std::string pg_database = env.String("MARKET_PG_DATABASE", "market");
  const std::string pg_user = env.String("MARKET_PG_USER", default_role);
  // Development secrets are predictable: they may only guard a process nobody else can reach.
  const bool loopback = IsLoopbackAddress(http.address);
  const std::string pg_password = env.Secret("MARKET_PG_PASSWORD", default_role + "_local");
  if (!loopback && !env.Has("MARKET_PG_PASSWORD")) {
    env.Fail("MARKET_PG_PASSWORD",
             "must be set when MARKET_HTTP_ADDRESS is not loopback; the local development "
             "password serves loopback only");
  }
  config.pg_schema = env.String("MARKET_PG_SCHEMA", config.name);
  config.pg.max_connections = static_cast<std::size_t>(env.Int("MARKET_PG_POOL_SIZE", 8, 1, 512));
  config.pg.acquire_timeout = env.Millis("MARKET_PG_ACQUIRE_TIMEOUT_MS", milliseconds(2000),
                                         milliseconds(1), milliseconds(60000));
  config.pg.statement_timeout = env.Millis("MARKET_PG_STATEMENT_TIMEOUT_MS", milliseconds(5000),
                                           milliseconds(10), milliseconds(600000));
  config.pg.dsn = pg::MakeConninfo({{"host", pg_host},
                                    {"port", std::to_string(pg_port)},
                                    {"dbname", pg_database},
                                    {"user", pg_user},
                                    {"password", pg_password},
                                    {"application_name", "market-" + config.name}});

  // The single-Redis settings would now silently configure nothing: refuse them by name.
  for (const std::string_view retired : {"MARKET_REDIS_HOST", "MARKET_REDIS_PORT",
                                         "MARKET_REDIS_PASSWORD", "MARKET_REDIS_TIMEOUT_MS"}) {
    env.Retired(retired,
                "set MARKET_REDIS_EVENTS_* (Streams) and MARKET_REDIS_CACHE_* (cache, rate "
                "limits), which may name one server");
  }
  config.redis_events = ReadRedis(env, "EVENTS", kLocalRedisEventsPort);
  config.redis_cache = ReadRedis(env, "CACHE", kLocalRedisCachePort);

  config.tokens = LoadTokenKeys(env, identity.name, identity.signs_user_tokens, loopback);
  MARKET_ASSIGN_OR_RETURN(config.log_level, ParseLogLevel(env.String("MARKET_LOG_LEVEL", "info")));
  config.relay_events = env.Bool("MARKET_RELAY_EVENTS", true);
  config.instance_name = env.String("MARKET_INSTANCE_NAME", config.name + "-" + HostName());
  config.readiness_interval = env.Millis("MARKET_READINESS_INTERVAL_MS", milliseconds(1000),
                                         milliseconds(10), milliseconds(60000));

  MARKET_RETURN_IF_ERROR(env.Check());
  return config;
}

}  // namespace market::runtime
