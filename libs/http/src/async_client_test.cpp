#include "market/http/async_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
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

// Sends and waits for the answer: the tests read like the blocking client's.
StatusOr<Response> SendAndWait(AsyncClient& client, const Endpoint& endpoint, Request request,
                               Clock::time_point deadline, bool idempotent) {
  std::promise<StatusOr<Response>> answer;
  client.Send(endpoint, std::move(request), deadline, idempotent,
              [&answer](StatusOr<Response> result) { answer.set_value(std::move(result)); });
  return answer.get_future().get();
}

Handler Echo(std::atomic<int>& requests) {
  return [&requests](Request request, const RequestInfo&, Responder respond) {
    ++requests;
    Response response{bhttp::status::ok, 11};
    response.body() = request.body();
    respond(std::move(response));
  };
}

// A server that takes every request and answers none until released: a hung upstream.
class HeldServer {
 public:
  HeldServer()
      : server_(FastOptions(), [this](Request request, const RequestInfo&, Responder respond) {
          std::lock_guard lock(mutex_);
          held_.push_back({std::move(request), std::move(respond)});
        }) {
    REQUIRE(server_.Start().ok());
  }
  ~HeldServer() { Release(); }

  Endpoint endpoint() const { return {"127.0.0.1", server_.port()}; }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  void Release() {
    std::vector<std::pair<Request, Responder>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& [request, respond] : held) {
      Response response{bhttp::status::ok, 11};
      response.body() = "late " + request.body();
      respond(std::move(response));
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<Request, Responder>> held_;
  Server server_;
};

TEST_CASE("async: sequential calls share one pooled connection", "[http][async_client]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), Echo(requests));
  REQUIRE(server.Start().ok());
  const Endpoint endpoint{"127.0.0.1", server.port()};
  AsyncClient client;

  auto first = SendAndWait(client, endpoint, Post("/one", "first"), In(milliseconds(2000)), false);
  REQUIRE(first.ok());
  CHECK(first->body() == "first");
  auto second =
      SendAndWait(client, endpoint, Post("/two", "second"), In(milliseconds(2000)), false);
  REQUIRE(second.ok());
  CHECK(second->body() == "second");

  CHECK(requests == 2);
  CHECK(server.open_connections() == 1);
  CHECK(client.idle_connections(endpoint) == 1);
  CHECK(client.in_flight(endpoint) == 0);
}

TEST_CASE("async: an interim 1xx answer is skipped, and its connection is never pooled",
          "[http][async_client]") {
  ScriptedServer server(/*answers_per_connection=*/5, /*interim_first=*/true);
  AsyncClient client;
  auto first =
      SendAndWait(client, server.endpoint(), Post("/one", "x"), In(milliseconds(2000)), false);
  REQUIRE(first.ok());
  CHECK(first->result() == bhttp::status::ok);
  CHECK(first->body() == "answer 1");
  CHECK(client.idle_connections(server.endpoint()) == 0);

  auto second =
      SendAndWait(client, server.endpoint(), Post("/two", "y"), In(milliseconds(2000)), false);
  REQUIRE(second.ok());
  CHECK(second->body() == "answer 2");
  CHECK(server.connections() == 2);
}

TEST_CASE("async: a call past its deadline fails with deadline_exceeded and is not pooled",
          "[http][async_client]") {
  HeldServer server;
  AsyncClient client;
  const auto start = Clock::now();
  auto answer =
      SendAndWait(client, server.endpoint(), Post("/slow", "x"), In(milliseconds(150)), false);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(Since(start) >= milliseconds(140));
  CHECK(Since(start) < milliseconds(1000));
  CHECK(client.idle_connections(server.endpoint()) == 0);
  CHECK(client.in_flight(server.endpoint()) == 0);
}

TEST_CASE("async: a call to a port nobody listens on fails quickly with unavailable",
          "[http][async_client]") {
  std::uint16_t port = 0;
  {
    net::io_context io_context;
    tcp::acceptor probe(io_context, {net::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  AsyncClient client;
  const auto start = Clock::now();
  auto answer =
      SendAndWait(client, {"127.0.0.1", port}, Post("/", ""), In(milliseconds(5000)), true);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == StatusCode::kUnavailable);
  CHECK(Since(start) < milliseconds(500));
}

TEST_CASE("async: a request that is not idempotent is never sent twice", "[http][async_client]") {
  ScriptedServer server(/*answers_per_connection=*/1);
  AsyncClient client;
  REQUIRE(SendAndWait(client, server.endpoint(), Post("/pay", "1"), In(milliseconds(2000)), false)
              .ok());
  auto answer =
      SendAndWait(client, server.endpoint(), Post("/pay", "2"), In(milliseconds(2000)), false);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.status().code() == StatusCode::kUnavailable);
  CHECK(server.requests() == 2);
  CHECK(server.connections() == 1);
}

TEST_CASE("async: an idempotent request is retried once on a fresh connection",
          "[http][async_client]") {
  ScriptedServer server(/*answers_per_connection=*/1);
  AsyncClient client;
  REQUIRE(
      SendAndWait(client, server.endpoint(), Post("/get", "1"), In(milliseconds(2000)), true).ok());
  auto answer =
      SendAndWait(client, server.endpoint(), Post("/get", "2"), In(milliseconds(2000)), true);
  REQUIRE(answer.ok());
  CHECK(answer->body() == "answer 3");
  CHECK(server.requests() == 3);
  CHECK(server.connections() == 2);
}

TEST_CASE("async: a hung endpoint holds only its own in-flight places", "[http][async_client]") {
  HeldServer hung;
  std::atomic<int> requests{0};
  Server healthy(FastOptions(), Echo(requests));
  REQUIRE(healthy.Start().ok());
  const Endpoint healthy_endpoint{"127.0.0.1", healthy.port()};

  AsyncClientOptions options;
  options.max_in_flight_per_endpoint = 4;
  AsyncClient client(options);

  std::atomic<int> finished{0};
  std::mutex mutex;
  std::vector<StatusOr<Response>> held_answers;
  for (int i = 0; i < 4; ++i) {
    client.Send(hung.endpoint(), Post("/hung", std::to_string(i)), In(milliseconds(5000)), false,
                [&](StatusOr<Response> answer) {
                  std::lock_guard lock(mutex);
                  held_answers.push_back(std::move(answer));
                  ++finished;
                });
  }
  REQUIRE(WaitUntil([&] { return hung.held() == 4; }));
  CHECK(client.in_flight(hung.endpoint()) == 4);

  // The fifth is refused at once, before anything is sent.
  const auto start = Clock::now();
  auto refused =
      SendAndWait(client, hung.endpoint(), Post("/hung", "5"), In(milliseconds(5000)), false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  CHECK(Since(start) < milliseconds(100));
  CHECK(hung.held() == 4);

  // Another endpoint is served as if nothing were wrong.
  for (int i = 0; i < 20; ++i) {
    auto answer =
        SendAndWait(client, healthy_endpoint, Post("/ok", "fine"), In(milliseconds(2000)), false);
    REQUIRE(answer.ok());
    CHECK(answer->body() == "fine");
  }
  CHECK(Since(start) < milliseconds(1000));

  // Released, the held calls get their answers and give their places back.
  hung.Release();
  REQUIRE(WaitUntil([&] { return finished == 4; }));
  std::lock_guard lock(mutex);
  for (const auto& answer : held_answers) {
    REQUIRE(answer.ok());
    CHECK(answer->body().starts_with("late "));
  }
  CHECK(client.in_flight(hung.endpoint()) == 0);
}

TEST_CASE("async: calls in flight when the client goes are answered unavailable",
          "[http][async_client]") {
  HeldServer hung;
  std::promise<StatusOr<Response>> answer;
  {
    AsyncClient client;
    client.Send(hung.endpoint(), Post("/hung", "x"), In(milliseconds(5000)), false,
                [&answer](StatusOr<Response> result) { answer.set_value(std::move(result)); });
    REQUIRE(WaitUntil([&] { return hung.held() == 1; }));
  }
  auto future = answer.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  auto result = future.get();
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kUnavailable);
}

TEST_CASE("async: concurrent callers each get their own answer", "[http][async_client]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), Echo(requests));
  REQUIRE(server.Start().ok());
  const Endpoint endpoint{"127.0.0.1", server.port()};
  AsyncClient client;

  constexpr int kCallers = 8;
  constexpr int kCallsEach = 25;
  std::atomic<int> right{0};
  std::vector<std::thread> callers;
  for (int caller = 0; caller < kCallers; ++caller) {
    callers.emplace_back([&, caller] {
      for (int i = 0; i < kCallsEach; ++i) {
        const std::string body = std::to_string(caller) + "/" + std::to_string(i);
        auto answer = SendAndWait(client, endpoint, Post("/", body), In(milliseconds(5000)), false);
        if (answer.ok() && answer->body() == body) ++right;
      }
    });
  }
  for (auto& thread : callers) thread.join();
  CHECK(right == kCallers * kCallsEach);
  CHECK(requests == kCallers * kCallsEach);
  CHECK(client.in_flight(endpoint) == 0);
  // Keep-alive: the callers shared a handful of connections instead of one per call.
  CHECK(client.idle_connections(endpoint) <= kCallers);
}

}  // namespace
}  // namespace market::http
