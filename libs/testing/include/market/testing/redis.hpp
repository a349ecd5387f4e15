// Redis for integration tests: the ports of the two private servers the CTest fixture `infra`
// runs (deploy/local/infra.sh), and stopping and starting either to test how code behaves while
// it is down. They are controlled through the same script (MARKET_TEST_INFRA) with
// MARKET_TEST_STATE_DIR.
//
//   market::testing::StopRedis(market::testing::RedisRole::kCache);
//   CHECK(gateway_still_answers());
//   market::testing::StartRedis(market::testing::RedisRole::kCache);
//
// Each call returns once the server accepts (or refuses) connections; failures throw
// std::runtime_error.
#pragma once

namespace market::testing {

// kEvents: the durable server (Streams; append-only, fsync always). kCache: the ephemeral one
// (cache, rate limits, login throttle; nothing on disk).
enum class RedisRole { kEvents, kCache };

// MARKET_TEST_REDIS_PORT or MARKET_TEST_REDIS_CACHE_PORT. Throws when unset.
int RedisPort(RedisRole role = RedisRole::kEvents);

void StopRedis(RedisRole role = RedisRole::kEvents);
void StartRedis(RedisRole role = RedisRole::kEvents);
void RestartRedis(RedisRole role = RedisRole::kEvents);

}  // namespace market::testing
