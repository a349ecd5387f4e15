#include "login_throttle.hpp"

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "market/connect/error_details.hpp"
#include "market/testing/redis.hpp"

namespace market::gateway {
namespace {

// Counters outlive a test run in Redis: every run guesses at accounts and from addresses of its
// own.
unsigned Run() {
  static const unsigned run = std::random_device{}();
  return run;
}

std::string Email(std::string_view name) {
  return std::string(name) + "." + std::to_string(Run()) + "@example.com";
}

std::string Address(int n) {
  return "10." + std::to_string(Run() % 256) + "." + std::to_string(Run() / 256 % 256) + "." +
         std::to_string(n);
}

redis::Options LiveRedis() {
  redis::Options options;
  options.port = testing::RedisPort();
  options.pool_size = 16;
  return options;
}

LoginThrottleOptions Budgets(int pair, int address, int account) {
  return {.max_failures_per_account_address = pair,
          .max_failures_per_address = address,
          .max_failures_per_account = account,
          .window = std::chrono::seconds(900)};
}

TEST_CASE("failures from one address do not lock the owner out from another", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(5, 20, 200));
  const std::string email = Email("owner");
  for (int guess = 0; guess < 5; ++guess) REQUIRE(throttle.Attempt(email, Address(7)).ok());
  const Status refused = throttle.Attempt(email, Address(7));
  CHECK(refused.code() == StatusCode::kResourceExhausted);
  const auto delay = connect::RetryDelayOf(refused);
  REQUIRE(delay.has_value());
  CHECK(*delay > std::chrono::seconds(0));
  CHECK(*delay <= std::chrono::seconds(900));

  CHECK(throttle.Attempt(email, Address(1)).ok());
}

TEST_CASE("guesses sent in parallel get exactly the budget", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(5, 1000, 1000));
  const std::string email = Email("parallel");
  std::atomic<int> let_through{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 16; ++i) {
    guessers.emplace_back([&] {
      for (int guess = 0; guess < 4; ++guess) {
        if (throttle.Attempt(email, Address(8)).ok()) ++let_through;
      }
    });
  }
  for (auto& guesser : guessers) guesser.join();
  CHECK(let_through.load() == 5);
}

TEST_CASE("one address is limited over every account it tries", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(5, 8, 200));
  const std::string address = Address(20);
  for (int account = 0; account < 8; ++account) {
    REQUIRE(throttle.Attempt(Email("spread" + std::to_string(account)), address).ok());
  }
  CHECK(throttle.Attempt(Email("spread-next"), address).code() == StatusCode::kResourceExhausted);
}

TEST_CASE("many addresses guessing one account meet the account's ceiling", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(2, 20, 6));
  const std::string email = Email("distributed");
  for (int address = 0; address < 3; ++address) {
    for (int guess = 0; guess < 2; ++guess) {
      REQUIRE(throttle.Attempt(email, Address(100 + address)).ok());
    }
  }
  CHECK(throttle.Attempt(email, Address(199)).code() == StatusCode::kResourceExhausted);
}

TEST_CASE("a successful login clears the pair's failures", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(3, 20, 200));
  const std::string email = Email("forgetful");
  for (int guess = 0; guess < 3; ++guess) REQUIRE(throttle.Attempt(email, Address(9)).ok());
  throttle.RecordSuccess(email, Address(9));
  for (int guess = 0; guess < 3; ++guess) CHECK(throttle.Attempt(email, Address(9)).ok());
}

TEST_CASE("a counter left without an expiry gets one instead of blocking forever", "[login]") {
  redis::Client redis(LiveRedis());
  LoginThrottle throttle(redis, Budgets(5, 20, 200));
  const std::string email = Email("stuck");
  const std::string pair_key = "market:gateway:login-failures:pair:" + Address(10) + "|" + email;
  // What an INCR whose EXPIRE was lost leaves behind.
  REQUIRE(redis.Command({"SET", pair_key, "50"}).ok());
  CHECK(throttle.Attempt(email, Address(10)).code() == StatusCode::kResourceExhausted);
  const auto ttl = redis.Command({"TTL", pair_key});
  REQUIRE(ttl.ok());
  CHECK(ttl->integer > 0);
  CHECK(ttl->integer <= 900);
}

TEST_CASE("with Redis unreachable the throttle counts in this process", "[login]") {
  redis::Options options;
  options.port = 1;  // nothing listens there
  redis::Client redis(options);
  LoginThrottle throttle(redis, Budgets(3, 20, 200));
  for (int guess = 0; guess < 3; ++guess) REQUIRE(throttle.Attempt("x@example.com", "a").ok());
  CHECK(throttle.Attempt("x@example.com", "a").code() == StatusCode::kResourceExhausted);
  CHECK(throttle.Attempt("x@example.com", "b").ok());
  throttle.RecordSuccess("x@example.com", "a");
  CHECK(throttle.Attempt("x@example.com", "a").ok());
}

}  // namespace
}  // namespace market::gateway
