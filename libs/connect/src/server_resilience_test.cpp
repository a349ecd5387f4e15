#include "market/connect/server.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "test_server.hpp"

namespace market::connect {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::Exchange;
using testing::HeaderOf;
using testing::kCheckPath;
using testing::kEchoPath;
using testing::Post;
using testing::RawConnection;
using testing::TestServer;

http::Request SlowCheck(int millis) {
  return Post(kCheckPath, "application/json",
              R"({"service":"slow:)" + std::to_string(millis) + R"("})");
}

http::Request WithTimeout(http::Request request, std::string_view millis) {
  request.set("Connect-Timeout-Ms", millis);
  return request;
}

// Waits until `count` handlers have started, so a test knows its slow call holds a worker.
bool AwaitHandlers(testing::Probe& probe, int count) {
  for (int i = 0; i < 1000 && probe.handler_calls < count; ++i) std::this_thread::sleep_for(2ms);
  return probe.handler_calls >= count;
}

TEST_CASE("a call running past its timeout is answered deadline_exceeded at the deadline",
          "[server]") {
  TestServer server;
  const auto start = Clock::now();
  const auto response = Exchange(server.port(), WithTimeout(SlowCheck(1500), "100"));
  const auto elapsed = Clock::now() - start;
  CHECK(response.result_int() == 504);
  CHECK(HeaderOf(response, "Content-Type") == "application/json");
  CHECK(
      response.body() ==
      R"({"code":"deadline_exceeded","message":"the call did not finish within its Connect-Timeout-Ms"})");
  CHECK(elapsed >= 100ms);
  CHECK(elapsed < 1000ms);  // the timer answered, not the handler

  // The late result is dropped and the server keeps serving.
  CHECK(Exchange(server.port(), WithTimeout(Post(kCheckPath, "application/json", "{}"), "5000"))
            .result_int() == 200);
}

TEST_CASE("a call whose deadline passes while it waits for a worker never runs", "[server]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  TestServer server(options);
  auto blocker = std::async(std::launch::async,
                            [&] { return Exchange(server.port(), SlowCheck(600)).result_int(); });
  REQUIRE(AwaitHandlers(server.probe(), 1));

  const auto start = Clock::now();
  const auto queued = Exchange(
      server.port(), WithTimeout(Post(kEchoPath, "application/json", R"({"echoText":"x"})"), "50"));
  CHECK(queued.result_int() == 504);
  CHECK(Clock::now() - start < 500ms);
  CHECK(blocker.get() == 200);
  // The worker got to the queued call only after its answer went out, and skipped it.
  std::this_thread::sleep_for(50ms);
  CHECK(server.probe().handler_calls == 1);
}

TEST_CASE("an overloaded worker pool answers unavailable at once", "[server]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  options.max_queued_calls = 0;
  TestServer server(options);
  auto blocker = std::async(std::launch::async,
                            [&] { return Exchange(server.port(), SlowCheck(400)).result_int(); });
  REQUIRE(AwaitHandlers(server.probe(), 1));

  const auto refused = Exchange(server.port(), Post(kCheckPath, "application/json", "{}"));
  CHECK(refused.result_int() == 503);
  CHECK(HeaderOf(refused, "Content-Type") == "application/json");
  CHECK(refused.body() ==
        R"({"code":"unavailable","message":"the server is overloaded; retry later"})");
  CHECK(blocker.get() == 200);
  CHECK(Exchange(server.port(), Post(kCheckPath, "application/json", "{}")).result_int() == 200);
}

TEST_CASE("a blocking handler never holds up the network thread", "[server]") {
  auto options = TestServer::DefaultOptions();
  options.http.io_threads = 1;
  options.worker_threads = 2;
  TestServer server(options);
  auto blocker = std::async(std::launch::async,
                            [&] { return Exchange(server.port(), SlowCheck(800)).result_int(); });
  REQUIRE(AwaitHandlers(server.probe(), 1));

  const auto start = Clock::now();
  CHECK(Exchange(server.port(), Post(kCheckPath, "application/json", "{}")).result_int() == 200);
  CHECK(Clock::now() - start < 400ms);
  CHECK(blocker.get() == 200);
}

TEST_CASE("a method run inline answers while every worker is busy", "[server]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  options.max_queued_calls = 0;
  TestServer server(options, {}, [](Router& router) { router.RunInline(kCheckPath); });
  auto blocker = std::async(std::launch::async, [&] {
    return Exchange(server.port(), Post(kEchoPath, "application/json", R"({"sleepMs":600})"))
        .result_int();
  });
  REQUIRE(AwaitHandlers(server.probe(), 1));

  // Without RunInline this is 503: the only worker is taken and no call may queue.
  const auto start = Clock::now();
  CHECK(Exchange(server.port(), Post(kCheckPath, "application/json", "{}")).result_int() == 200);
  CHECK(Clock::now() - start < 400ms);
  CHECK(blocker.get() == 200);
}

TEST_CASE("RunInline refuses a path with nothing registered", "[server]") {
  Router router;
  CHECK_THROWS_AS(router.RunInline("/no.such.v1.Service/Method"), std::logic_error);
}

TEST_CASE("a client trickling its body is cut off while other calls go on", "[server]") {
  TestServer server;  // read_timeout 1 s
  RawConnection slow(server.port());
  std::string wire = testing::WireBytes(Post(kCheckPath, "application/json", std::string(100, ' ')),
                                        server.port());
  wire.resize(wire.size() - 90);  // headers and the first 10 body bytes
  slow.Write(wire);

  const auto start = Clock::now();
  bool closed = false;
  while (!closed && Clock::now() - start < 4s) {
    // One more byte every 100 ms keeps the connection busy but never completes the request.
    try {
      slow.Write(" ");
    } catch (const std::exception&) {
      closed = true;
      break;
    }
    closed = slow.ReadUntilClosed(100ms).second;
    CHECK(Exchange(server.port(), Post(kCheckPath, "application/json", "{}")).result_int() == 200);
  }
  CHECK(closed);
  CHECK(Clock::now() - start < 3s);
  CHECK(server.probe().handler_calls >= 1);
}

TEST_CASE("a client that disconnects mid-request does not disturb the server", "[server]") {
  TestServer server;
  SECTION("while sending its body") {
    RawConnection gone(server.port());
    std::string wire = testing::WireBytes(
        Post(kCheckPath, "application/json", std::string(1000, ' ')), server.port());
    wire.resize(wire.size() - 500);
    gone.Write(wire);
    gone.Close();
  }
  SECTION("while its handler runs") {
    RawConnection gone(server.port());
    gone.Write(testing::WireBytes(SlowCheck(200), server.port()));
    REQUIRE(AwaitHandlers(server.probe(), 1));
    gone.Close();
    // The handler finishes and its answer goes nowhere, harmlessly.
    for (int i = 0; i < 500 && server.probe().handler_finished < 1; ++i) {
      std::this_thread::sleep_for(2ms);
    }
    CHECK(server.probe().handler_finished == 1);
  }
  const auto response = Exchange(server.port(), Post(kCheckPath, "application/json", "{}"));
  CHECK(response.result_int() == 200);
  CHECK(response.body() == R"({"status":"SERVING"})");
}

TEST_CASE("shutdown lets an in-flight call finish before the workers stop", "[server]") {
  auto server = std::make_unique<TestServer>();
  auto in_flight =
      std::async(std::launch::async, [&] { return Exchange(server->port(), SlowCheck(300)); });
  REQUIRE(AwaitHandlers(server->probe(), 1));
  server->server().Shutdown();
  const auto response = in_flight.get();
  CHECK(response.result_int() == 200);
  CHECK(response.body() == R"({"status":"SERVING"})");
  CHECK(server->probe().handler_finished == 1);
}

}  // namespace
}  // namespace market::connect
