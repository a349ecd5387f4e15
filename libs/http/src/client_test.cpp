#include "market/http/client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "market/http/server.hpp"
#include "scripted_server.hpp"
#include "test_support.hpp"

namespace market::http {
namespace {

namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using testing::Clock;
using testing::FastOptions;
using testing::ScriptedServer;
using testing::Since;
using testing::WaitUntil;

using std::chrono::milliseconds;

Request Post(std::string target, std::string body) {
  Request request{bhttp::verb::post, target, 11};
  request.body() = std::move(body);
  return request;
}

Clock::time_point In(milliseconds delay) { return Clock::now() + delay; }

Handler Echo(std::atomic<int>& requests) {
  return [&requests](Request request, const RequestInfo&, Responder respond) {
    ++requests;
    Response response{bhttp::status::ok, 11};
    response.body() = request.body();
    respond(std::move(response));
  };
}

TEST_CASE("sequential calls share one pooled connection", "[http][client]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), Echo(requests));
  REQUIRE(server.Start().ok());
  const Endpoint endpoint{"127.0.0.1", server.port()};
  Client client;

  auto first = client.Send(endpoint, Post("/one", "first"), In(milliseconds(2000)), false);
  REQUIRE(first.ok());
  CHECK(first->body() == "first");
  auto second = client.Send(endpoint, Post("/two", "second"), In(milliseconds(2000)), false);
  REQUIRE(second.ok());
  CHECK(second->body() == "second");

  CHECK(requests == 2);
  CHECK(server.open_connections() == 1);
  CHECK(client.idle_connections(endpoint) == 1);
}

TEST_CASE("an interim 1xx answer is skipped, and its connection is never pooled",
          "[http][client]") {
  ScriptedServer server(/*answers_per_connection=*/5, /*interim_first=*/true);
  Client client;
  auto first = client.Send(server.endpoint(), Post("/one", "x"), In(milliseconds(2000)), false);
  REQUIRE(first.ok());
  CHECK(first->result() == bhttp::status::ok);
  CHECK(first->body() == "answer 1");
  CHECK(client.idle_connections(server.endpoint()) == 0);

  auto second = client.Send(server.endpoint(), Post("/two", "y"), In(milliseconds(2000)), false);
  REQUIRE(second.ok());
  CHECK(second->body() == "answer 2");
  CHECK(server.connections() == 2);
}

TEST_CASE("a call past its deadline fails with deadline_exceeded", "[http][client]") {
  std::vector<std::thread> workers;
  std::mutex mutex;
  {
    Server server(FastOptions(), [&](Request, const RequestInfo&, Responder respond) {
      std::lock_guard lock(mutex);
      workers.emplace_back([respond = std::move(respond)] {
        std::this_thread::sleep_for(milliseconds(500));
        respond(Response{bhttp::status::ok, 11});
      });
    });
    REQUIRE(server.Start().ok());
    Client client;
    const auto start = Clock::now();
    auto response =
        client.Send({"127.0.0.1", server.port()}, Post("/slow", ""), In(milliseconds(100)), true);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == StatusCode::kDeadlineExceeded);
    CHECK(Since(start) >= milliseconds(90));
    CHECK(Since(start) < milliseconds(400));
    // A connection that timed out mid-call is never pooled.
    CHECK(client.idle_connections({"127.0.0.1", server.port()}) == 0);
    std::lock_guard lock(mutex);
    for (auto& worker : workers) worker.join();
  }
}

TEST_CASE("a call whose deadline has passed fails before anything is sent", "[http][client]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), Echo(requests));
  REQUIRE(server.Start().ok());
  Client client;
  auto late = client.Send({"127.0.0.1", server.port()}, Post("/late", ""),
                          Clock::now() - milliseconds(1), true);
  CHECK(late.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(server.open_connections() == 0);
  CHECK(requests == 0);
}

TEST_CASE("a call to a port nobody listens on fails quickly with unavailable", "[http][client]") {
  std::uint16_t port = 0;
  {
    net::io_context io_context;
    tcp::acceptor probe(io_context, {net::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  Client client;
  const auto start = Clock::now();
  auto response = client.Send({"127.0.0.1", port}, Post("/", ""), In(milliseconds(5000)), true);
  REQUIRE_FALSE(response.ok());
  CHECK(response.status().code() == StatusCode::kUnavailable);
  CHECK(Since(start) < milliseconds(500));
}

TEST_CASE("a request that is not idempotent is never sent twice", "[http][client]") {
  SECTION("on a fresh connection the server drops") {
    ScriptedServer server(/*answers_per_connection=*/0);
    Client client;
    auto response = client.Send(server.endpoint(), Post("/pay", "1"), In(milliseconds(2000)),
                                /*idempotent=*/false);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == StatusCode::kUnavailable);
    CHECK(server.requests() == 1);
  }
  SECTION("on a pooled connection the server drops after reading it") {
    ScriptedServer server(/*answers_per_connection=*/1);
    Client client;
    REQUIRE(client.Send(server.endpoint(), Post("/pay", "1"), In(milliseconds(2000)), false).ok());
    auto response = client.Send(server.endpoint(), Post("/pay", "2"), In(milliseconds(2000)),
                                /*idempotent=*/false);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().code() == StatusCode::kUnavailable);
    CHECK(server.requests() == 2);
    CHECK(server.connections() == 1);
  }
}

TEST_CASE("an idempotent request is retried once on a fresh connection", "[http][client]") {
  ScriptedServer server(/*answers_per_connection=*/1);
  Client client;
  REQUIRE(client.Send(server.endpoint(), Post("/get", "1"), In(milliseconds(2000)), true).ok());
  auto response = client.Send(server.endpoint(), Post("/get", "2"), In(milliseconds(2000)), true);
  REQUIRE(response.ok());
  CHECK(response->body() == "answer 3");
  CHECK(server.requests() == 3);
  CHECK(server.connections() == 2);
}

TEST_CASE("a pooled connection the server has closed is replaced before the request goes out",
          "[http][client]") {
  ServerOptions options = FastOptions();
  options.idle_timeout = milliseconds(100);
  std::atomic<int> requests{0};
  Server server(options, Echo(requests));
  REQUIRE(server.Start().ok());
  const Endpoint endpoint{"127.0.0.1", server.port()};
  Client client;
  REQUIRE(client.Send(endpoint, Post("/", "a"), In(milliseconds(2000)), false).ok());
  REQUIRE(WaitUntil([&] { return server.open_connections() == 0; }));
  REQUIRE(client.idle_connections(endpoint) == 1);

  // Not idempotent: it can only succeed if the dead connection is noticed before writing.
  auto response = client.Send(endpoint, Post("/", "b"), In(milliseconds(2000)), false);
  REQUIRE(response.ok());
  CHECK(response->body() == "b");
  CHECK(requests == 2);
}

TEST_CASE("pooled connections older than max_idle_age are not reused", "[http][client]") {
  ScriptedServer server(/*answers_per_connection=*/100);
  ClientOptions options;
  options.max_idle_age = milliseconds(100);
  Client client(options);
  REQUIRE(client.Send(server.endpoint(), Post("/", ""), In(milliseconds(2000)), false).ok());
  REQUIRE(client.Send(server.endpoint(), Post("/", ""), In(milliseconds(2000)), false).ok());
  CHECK(server.connections() == 1);
  std::this_thread::sleep_for(milliseconds(200));
  REQUIRE(client.Send(server.endpoint(), Post("/", ""), In(milliseconds(2000)), false).ok());
  CHECK(server.connections() == 2);
}

TEST_CASE("a response body over the limit fails with resource_exhausted", "[http][client]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), Echo(requests));
  REQUIRE(server.Start().ok());
  ClientOptions options;
  options.max_response_body_bytes = 100;
  Client client(options);
  const Endpoint endpoint{"127.0.0.1", server.port()};
  auto big = client.Send(endpoint, Post("/", std::string(101, 'b')), In(milliseconds(2000)), true);
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == StatusCode::kResourceExhausted);
  auto small =
      client.Send(endpoint, Post("/", std::string(100, 's')), In(milliseconds(2000)), true);
  REQUIRE(small.ok());
  CHECK(small->body().size() == 100);
}

TEST_CASE("concurrent callers each get their own answer", "[http][client]") {
  std::atomic<int> requests{0};
  ServerOptions server_options = FastOptions();
  server_options.io_threads = 2;
  Server server(server_options, Echo(requests));
  REQUIRE(server.Start().ok());
  ClientOptions options;
  options.max_idle_per_endpoint = 2;
  Client client(options);
  const Endpoint endpoint{"127.0.0.1", server.port()};

  constexpr int kThreads = 4;
  constexpr int kCalls = 25;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string body = std::to_string(t) + "/" + std::to_string(i);
        auto response = client.Send(endpoint, Post("/", body), In(milliseconds(5000)), false);
        if (!response.ok() || response->body() != body) ++mismatches;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  CHECK(mismatches == 0);
  CHECK(requests == kThreads * kCalls);
  CHECK(client.idle_connections(endpoint) <= 2);
}

}  // namespace
}  // namespace market::http
