#include "gateway_config.hpp"

#include "cors.hpp"

namespace market::gateway {

using std::chrono::milliseconds;

StatusOr<GatewayConfig> LoadGatewayConfig(config::Env& env) {
  GatewayConfig config;
  env.Retired("MARKET_TOKEN_LIFETIME_S",
              "access tokens are short-lived now: set MARKET_ACCESS_TOKEN_LIFETIME_S (and "
              "MARKET_REFRESH_TOKEN_LIFETIME_S for sessions)");
  config.sessions.access_token =
      std::chrono::seconds(env.Int("MARKET_ACCESS_TOKEN_LIFETIME_S", 900, 60, 24 * 3600));
  config.sessions.refresh_token = std::chrono::seconds(
      env.Int("MARKET_REFRESH_TOKEN_LIFETIME_S", 30 * 24 * 3600, 300, 365 * 24 * 3600));
  config.per_account.per_second =
      static_cast<double>(env.Int("MARKET_RATE_ACCOUNT_PER_SECOND", 20, 1, 100000));
  config.per_account.burst =
      static_cast<double>(env.Int("MARKET_RATE_ACCOUNT_BURST", 40, 1, 1000000));
  config.per_address.per_second =
      static_cast<double>(env.Int("MARKET_RATE_ADDRESS_PER_SECOND", 50, 1, 100000));
  config.per_address.burst =
      static_cast<double>(env.Int("MARKET_RATE_ADDRESS_BURST", 100, 1, 1000000));
  config.login_throttle.max_failures_per_account_address =
      static_cast<int>(env.Int("MARKET_LOGIN_MAX_FAILURES_ACCOUNT_ADDRESS", 5, 1, 1000));
  config.login_throttle.max_failures_per_address =
      static_cast<int>(env.Int("MARKET_LOGIN_MAX_FAILURES_ADDRESS", 20, 1, 100000));
  config.login_throttle.max_failures_per_account =
      static_cast<int>(env.Int("MARKET_LOGIN_MAX_FAILURES_ACCOUNT", 200, 1, 1000000));
  config.login_throttle.window =
      std::chrono::seconds(env.Int("MARKET_LOGIN_FAILURE_WINDOW_S", 900, 1, 86400));
  config.password_hashing.threads =
      static_cast<std::size_t>(env.Int("MARKET_PASSWORD_HASH_THREADS", 2, 1, 64));
  config.password_hashing.max_queued =
      static_cast<std::size_t>(env.Int("MARKET_PASSWORD_HASH_QUEUE", 4, 0, 1024));
  config.password_per_address.per_second =
      static_cast<double>(env.Int("MARKET_PASSWORD_RATE_ADDRESS_PER_MINUTE", 30, 1, 100000)) / 60;
  config.password_per_address.burst =
      static_cast<double>(env.Int("MARKET_PASSWORD_RATE_ADDRESS_BURST", 10, 1, 100000));
  config.cors_origins = ParseOriginList(env.String("MARKET_CORS_ORIGINS", ""));
  config.upstream_timeout = env.Millis("MARKET_UPSTREAM_TIMEOUT_MS", milliseconds(30000),
                                       milliseconds(10), milliseconds(600000));
  config.upstream_max_in_flight =
      static_cast<std::size_t>(env.Int("MARKET_UPSTREAM_MAX_IN_FLIGHT", 48, 1, 4096));
  config.console_dir_required = env.Has("MARKET_CONSOLE_DIR");
  config.console_dir = env.String("MARKET_CONSOLE_DIR", MARKET_CONSOLE_DEFAULT_DIR);
  MARKET_ASSIGN_OR_RETURN(config.upstreams, Upstreams::FromEnv(env));
  MARKET_RETURN_IF_ERROR(env.Check());
  return config;
}

}  // namespace market::gateway
