// Password work through the gateway: scrypt is costly by design, so one address gets a budget
// of Register and Login calls, and hashing runs on a bounded pool of its own; a flood of either
// is refused while every other call keeps being answered.
#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <random>
#include <thread>
#include <vector>

#include "market/connect/error.hpp"
#include "market/connect/error_details.hpp"
#include "market/redis/client.hpp"
#include "market/testing/redis.hpp"
#include "support/service_fixture.hpp"

namespace market {
namespace {

using testing::PostJson;
using namespace testing::identity_paths;

constexpr std::string_view kHealth = "/grpc.health.v1.Health/Check";
// The bucket of the address every test calls from; see gateway.cpp and rate_limiter.cpp.
constexpr std::string_view kLoopbackBudget = "market:gateway:rate:password:address:127.0.0.1";

std::string Registration(std::string_view name) {
  return R"({"email":")" + testing::UniqueEmail(name) +
         R"(","password":"correct horse battery","displayName":"Ada","country":"DE",)"
         R"("roles":["ROLE_FREELANCER"],"preferredCurrency":"EUR"})";
}

std::string Code(const http::Response& response) {
  const auto body = boost::json::parse(response.body()).as_object();
  const auto* code = body.if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

Status StatusOf(const http::Response& response) {
  return connect::StatusFromErrorResponse(
      response.result_int(), response[boost::beast::http::field::content_type], response.body());
}

// Starts the address's budget full, whatever an earlier test or run left in Redis.
void ResetLoopbackBudget() {
  redis::Options options;
  options.port = testing::RedisPort();
  redis::Client redis(options);
  REQUIRE(redis.Command({"DEL", std::string(kLoopbackBudget)}).ok());
}

TEST_CASE("registrations past the address's password budget are refused with a retry delay",
          "[gateway][password]") {
  ResetLoopbackBudget();
  auto gateway = testing::StartGateway({{"MARKET_PASSWORD_RATE_ADDRESS_PER_MINUTE", "1"},
                                        {"MARKET_PASSWORD_RATE_ADDRESS_BURST", "3"}});
  for (int i = 0; i < 3; ++i) {
    CHECK(PostJson(gateway.port(), kRegister, Registration("budget" + std::to_string(i)))
              .result_int() == 200);
  }
  const auto refused = PostJson(gateway.port(), kRegister, Registration("budget-over"));
  CHECK(refused.result_int() == 429);
  CHECK(Code(refused) == "resource_exhausted");
  const auto delay = connect::RetryDelayOf(StatusOf(refused));
  REQUIRE(delay.has_value());
  CHECK(*delay > std::chrono::milliseconds(0));
  // Other calls from the address are not affected.
  CHECK(PostJson(gateway.port(), kHealth, "{}").result_int() == 200);
  ResetLoopbackBudget();
}

TEST_CASE("a flood of registrations fills the hashing pool, not the server's workers",
          "[gateway][password]") {
  auto gateway = testing::StartGateway(
      {{"MARKET_PASSWORD_HASH_THREADS", "1"}, {"MARKET_PASSWORD_HASH_QUEUE", "0"}});
  std::atomic<int> registered{0};
  std::atomic<int> exhausted{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 6; ++i) {
    flood.emplace_back([&, i] {
      const auto reply =
          PostJson(gateway.port(), kRegister, Registration("flood" + std::to_string(i)));
      if (reply.result_int() == 200) ++registered;
      if (reply.result_int() == 429 && Code(reply) == "resource_exhausted") ++exhausted;
    });
  }
  // Meanwhile, a call that needs no hash is answered.
  const auto health = PostJson(gateway.port(), kHealth, "{}");
  for (auto& thread : flood) thread.join();
  CHECK(health.result_int() == 200);
  CHECK(registered.load() >= 1);
  CHECK(exhausted.load() >= 1);
  CHECK(registered.load() + exhausted.load() == 6);
}

}  // namespace
}  // namespace market
