#include "market/redis/client.hpp"

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "market/redis/script.hpp"
#include "market/testing/redis.hpp"

namespace {

using market::StatusCode;
using market::redis::Client;
using market::redis::Options;
using market::redis::Reply;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After a (re)start Redis answers LOADING until its append-only file is read back.
void WaitUntilServing(const Options& options) {
  Client probe(options);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!probe.Command({"PING"}).ok() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
}

Options TestOptions() {
  Options options;
  options.port = market::testing::RedisPort();
  options.retry_after = milliseconds(0);
  WaitUntilServing(options);
  options.retry_after = milliseconds(300);
  return options;
}

// Keys of their own per run: the test Redis keeps its data between runs (append-only file).
std::string UniqueKey(std::string_view name) {
  static const std::string run = std::to_string(std::random_device{}());
  return "redis_client_test:" + run + ":" + std::string(name);
}

long long ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

// Retries `args` until it succeeds or `limit` passes; the successful reply or the last error.
market::StatusOr<Reply> CommandWithin(Client& client, const std::vector<std::string>& args,
                                      milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  auto reply = client.Command(args);
  while (!reply.ok() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
    reply = client.Command(args);
  }
  return reply;
}

}  // namespace

TEST_CASE("a command round-trips and its reply keeps the Redis type", "[redis]") {
  Client client(TestOptions());
  const std::string key = UniqueKey("round_trip");

  auto set = client.Command({"SET", key, "hello"});
  REQUIRE(set.ok());
  CHECK(set->type == Reply::Type::kStatus);
  CHECK(set->text == "OK");

  auto get = client.Command({"GET", key});
  REQUIRE(get.ok());
  CHECK(get->type == Reply::Type::kString);
  CHECK(get->text == "hello");

  auto missing = client.Command({"GET", UniqueKey("never_set")});
  REQUIRE(missing.ok());
  CHECK(missing->is_nil());

  const std::string list = UniqueKey("list");
  auto pushed = client.Command({"RPUSH", list, "a", "b", "c"});
  REQUIRE(pushed.ok());
  CHECK(pushed->type == Reply::Type::kInteger);
  CHECK(pushed->integer == 3);

  auto range = client.Command({"LRANGE", list, "0", "-1"});
  REQUIRE(range.ok());
  REQUIRE(range->type == Reply::Type::kArray);
  REQUIRE(range->elements.size() == 3);
  CHECK(range->elements[0].text == "a");
  CHECK(range->elements[2].text == "c");
  CHECK(client.Healthy());
}

TEST_CASE("keys and values are binary safe", "[redis]") {
  Client client(TestOptions());
  const std::string key = UniqueKey(std::string("bin\0ary\r\n key", 14));
  std::string value;
  for (int byte = 0; byte < 256; ++byte) value.push_back(static_cast<char>(byte));
  value += std::string("\r\n$5\r\n\0\0", 8);

  REQUIRE(client.Command({"SET", key, value}).ok());
  auto get = client.Command({"GET", key});
  REQUIRE(get.ok());
  CHECK(get->text.size() == value.size());
  CHECK(get->text == value);

  auto empty = client.Command({"SET", UniqueKey("empty"), ""});
  REQUIRE(empty.ok());
  auto get_empty = client.Command({"GET", UniqueKey("empty")});
  REQUIRE(get_empty.ok());
  CHECK(get_empty->type == Reply::Type::kString);
  CHECK(get_empty->text.empty());
}

TEST_CASE("a pipeline returns one reply per command, in order", "[redis]") {
  Client client(TestOptions());
  const std::string counter = UniqueKey("pipeline_counter");
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 200; ++i) commands.push_back({"INCR", counter});
  auto replies = client.Pipeline(commands);
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 200);
  for (int i = 0; i < 200; ++i) CHECK((*replies)[i].integer == i + 1);

  SECTION("an error reply stays in place and later commands still run") {
    const std::string text = UniqueKey("pipeline_text");
    auto mixed = client.Pipeline(
        {{"SET", text, "x"}, {"LPUSH", text, "y"}, {"APPEND", text, "z"}, {"GET", text}});
    REQUIRE(mixed.ok());
    REQUIRE(mixed->size() == 4);
    CHECK((*mixed)[0].type == Reply::Type::kStatus);
    CHECK((*mixed)[1].type == Reply::Type::kError);
    CHECK((*mixed)[1].text.starts_with("WRONGTYPE"));
    CHECK((*mixed)[2].integer == 2);
    CHECK((*mixed)[3].text == "xz");
  }
}

TEST_CASE("an error reply is failed_precondition and leaves the client healthy", "[redis]") {
  Client client(TestOptions());
  const std::string key = UniqueKey("wrong_type");
  REQUIRE(client.Command({"SET", key, "text"}).ok());

  auto wrong = client.Command({"LPUSH", key, "item"});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kFailedPrecondition);
  CHECK(market::redis::IsErrorReply(wrong.status(), "WRONGTYPE"));
  CHECK_FALSE(market::redis::IsErrorReply(wrong.status(), "WRONG"));
  CHECK_FALSE(market::redis::IsErrorReply(wrong.status(), "NOGROUP"));

  CHECK(client.Healthy());
  auto after = client.Command({"GET", key});
  REQUIRE(after.ok());
  CHECK(after->text == "text");
}

TEST_CASE("a reply slower than the timeout fails fast, then the client recovers", "[redis]") {
  Options options = TestOptions();
  options.command_timeout = milliseconds(200);
  Client client(options);
  Client admin(TestOptions());
  REQUIRE(client.Command({"PING"}).ok());

  // Every client of the server stalls for a second, as under a long-running command.
  REQUIRE(admin.Command({"CLIENT", "PAUSE", "1000", "ALL"}).ok());
  const auto started = Clock::now();
  auto stalled = client.Command({"PING"});
  const auto elapsed = ElapsedMs(started);
  REQUIRE_FALSE(stalled.ok());
  CHECK(stalled.status().code() == StatusCode::kUnavailable);
  CHECK(elapsed >= 150);
  CHECK(elapsed < 600);
  CHECK_FALSE(client.Healthy());

  auto recovered = CommandWithin(client, {"PING"}, milliseconds(3000));
  REQUIRE(recovered.ok());
  CHECK(recovered->text == "PONG");
  CHECK(client.Healthy());
}

TEST_CASE("a blocking command with its own timeout waits past the default timeout", "[redis]") {
  Options options = TestOptions();
  options.command_timeout = milliseconds(100);
  Client client(options);
  const auto started = Clock::now();
  auto popped = client.Command({"BLPOP", UniqueKey("always_empty"), "0.4"},
                               milliseconds(400) + milliseconds(500));
  REQUIRE(popped.ok());
  CHECK(popped->is_nil());
  CHECK(ElapsedMs(started) >= 350);
  CHECK(client.Healthy());
}

TEST_CASE("while Redis is down calls fail fast with unavailable and work again after it returns",
          "[redis]") {
  Options options = TestOptions();
  options.retry_after = milliseconds(1500);
  Client client(options);
  REQUIRE(client.Command({"PING"}).ok());

  market::testing::StopRedis();
  auto first = client.Command({"PING"});
  const auto failed_at = Clock::now();
  REQUIRE_FALSE(first.ok());
  CHECK(first.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(client.Healthy());

  for (int i = 0; i < 20; ++i) {
    const auto started = Clock::now();
    auto down = client.Command({"GET", UniqueKey("down")});
    CHECK(ElapsedMs(started) < 50);
    REQUIRE_FALSE(down.ok());
    CHECK(down.status().code() == StatusCode::kUnavailable);
  }

  // Redis is back, but the retry window is still open: the client does not even try.
  market::testing::StartRedis();
  REQUIRE(ElapsedMs(failed_at) < 1200);
  CHECK(client.Command({"PING"}).status().code() == StatusCode::kUnavailable);

  auto back = CommandWithin(client, {"PING"}, milliseconds(3000));
  REQUIRE(back.ok());
  CHECK(back->text == "PONG");
  CHECK(ElapsedMs(failed_at) >= 1500);
  CHECK(client.Healthy());
}

TEST_CASE("after a Redis restart the client reconnects by itself", "[redis]") {
  Client client(TestOptions());
  const std::string key = UniqueKey("survives_restart");
  REQUIRE(client.Command({"SET", key, "kept"}).ok());

  market::testing::RestartRedis();
  auto back = CommandWithin(client, {"GET", key}, milliseconds(3000));
  REQUIRE(back.ok());
  CHECK(back->text == "kept");
}

TEST_CASE("a refused password is unavailable and never appears in the message", "[redis]") {
  Options options = TestOptions();
  options.password = "s3cret-password-value";
  Client client(options);
  auto refused = client.Command({"PING"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  CHECK(refused.status().message().find(options.password) == std::string::npos);
}

TEST_CASE("concurrent callers share the pool without losing a command", "[redis]") {
  Options options = TestOptions();
  options.pool_size = 2;
  // Eight threads queue for two connections behind fsync-per-write: waiting is not the point.
  options.command_timeout = milliseconds(5000);
  Client client(options);
  const std::string counter = UniqueKey("concurrent_counter");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!client.Command({"INCR", counter}).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  auto total = client.Command({"GET", counter});
  REQUIRE(total.ok());
  CHECK(total->text == "400");
}

TEST_CASE("a script runs by its SHA-1, and is loaded again when Redis forgot it", "[redis]") {
  Client client(TestOptions());
  const market::redis::Script incr_by("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  const std::string key = UniqueKey("script");

  auto first = incr_by.Run(client, {key}, {"2"});
  REQUIRE(first.ok());
  CHECK(first->integer == 2);
  auto loaded = client.Command({"SCRIPT", "EXISTS", incr_by.sha1()});
  REQUIRE(loaded.ok());
  REQUIRE(loaded->elements.size() == 1);
  CHECK(loaded->elements[0].integer == 1);

  // A flushed script cache (a Redis restart does the same) costs one more round trip, not a
  // failure, and the script still runs once.
  REQUIRE(client.Command({"SCRIPT", "FLUSH"}).ok());
  auto again = incr_by.Run(client, {key}, {"3"});
  REQUIRE(again.ok());
  CHECK(again->integer == 5);

  // An error raised by the script is the script's answer, not a transport failure.
  const market::redis::Script failing("return redis.error_reply('ERR bucket broken')");
  auto error = failing.Run(client, {key}, {});
  REQUIRE_FALSE(error.ok());
  CHECK(error.status().code() == StatusCode::kFailedPrecondition);
  CHECK(error.status().message().find("bucket broken") != std::string::npos);
}
