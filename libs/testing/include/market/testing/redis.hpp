// Redis for integration tests: its port, and stopping and starting it to test how code behaves
// while Redis is down. The server is the private one the CTest fixture `infra` runs, controlled
// through the same script (MARKET_TEST_INFRA) with MARKET_TEST_STATE_DIR.
//
//   market::testing::StopRedis();
//   CHECK(cache.Get("job:1").status().code() == market::StatusCode::kUnavailable);
//   market::testing::StartRedis();
//
// Each call returns once the server accepts (or refuses) connections; failures throw
// std::runtime_error.
#pragma once

namespace market::testing {

// MARKET_TEST_REDIS_PORT. Throws when unset.
int RedisPort();

void StopRedis();
void StartRedis();
void RestartRedis();

}  // namespace market::testing
