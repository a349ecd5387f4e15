#include "market/connect/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_server.hpp"

namespace market::connect {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;
using testing::Exchange;
using testing::Get;
using testing::HeaderOf;
using testing::kCheckPath;
using testing::kEchoPath;
using testing::Post;
using testing::TestServer;

namespace beast_http = boost::beast::http;

constexpr std::string_view kUnknownPath = "/market.listings.v1.ListingsService/GetJob";
constexpr std::string_view kRateLimited = R"({"code":"resource_exhausted","message":"slow down"})";
constexpr std::string_view kInternal =
    R"({"code":"internal","message":"the server failed to process the request"})";

// What a hook was shown, recorded from the worker threads it runs on.
class Seen {
 public:
  struct Entry {
    std::string method;
    std::string target;
    std::string body;
    std::string test_header;  // X-Test
    RequestInfo info;
  };

  void Record(const http::Request& request, const RequestInfo& info) {
    std::lock_guard lock(mutex_);
    entries_.push_back({std::string(request.method_string()), std::string(request.target()),
                        request.body(), HeaderOf(request, "X-Test"), info});
  }
  std::vector<Entry> All() {
    std::lock_guard lock(mutex_);
    return entries_;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  static std::string HeaderOf(const http::Request& request, std::string_view name) {
    const auto it = request.find(name);
    return it == request.end() ? std::string() : std::string(it->value());
  }

  std::mutex mutex_;
  std::vector<Entry> entries_;
};

http::Response TextResponse(const http::Request& request, beast_http::status status,
                            std::string body) {
  http::Response response(status, request.version());
  response.set(beast_http::field::content_type, "text/plain");
  response.body() = std::move(body);
  return response;
}

// What a rate limiter answers: a Connect resource_exhausted error.
http::Response RateLimited(const http::Request& request) {
  http::Response response(beast_http::status::too_many_requests, request.version());
  response.set(beast_http::field::content_type, "application/json");
  response.body() = std::string(kRateLimited);
  return response;
}

http::Request With(http::Request request, std::string_view name, std::string_view value) {
  request.set(name, value);
  return request;
}

http::Request EchoCall(int sleep_ms = 0) {
  return Post(kEchoPath, "application/json",
              R"({"echoText":"x","sleepMs":)" + std::to_string(sleep_ms) + "}");
}

// A browser's CORS preflight, which the Connect routes alone answer 405 or 404.
http::Request Preflight(std::string_view path) {
  http::Request request(beast_http::verb::options, path, 11);
  request.set("Origin", "https://app.example");
  request.set("Access-Control-Request-Method", "POST");
  return request;
}

http::Request WithVerb(http::Request request, beast_http::verb verb) {
  request.method(verb);
  return request;
}

bool AwaitHandlers(testing::Probe& probe, int count) {
  for (int i = 0; i < 1000 && probe.handler_calls < count; ++i) std::this_thread::sleep_for(2ms);
  return probe.handler_calls >= count;
}

// The call observer runs just after the answer is handed over.
std::vector<std::pair<std::string, StatusCode>> AwaitFinished(testing::Probe& probe,
                                                              std::size_t count) {
  for (int i = 0; i < 400 && probe.Finished().size() < count; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  return probe.Finished();
}

TEST_CASE("an interceptor's answer stops any request before it is served, even one refused",
          "[server][hooks]") {
  Seen seen;
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetInterceptor([&](const http::Request& request, const RequestInfo& info) {
      seen.Record(request, info);
      return std::optional<http::Response>(RateLimited(request));
    });
  });
  const std::vector<http::Request> requests = {
      EchoCall(),
      Post(kCheckPath, "text/plain", "{}"),  // 415 without the interceptor
      Get("/healthz"),
      Post(kUnknownPath, "application/json", "{}"),
      Preflight(kEchoPath),  // 405 without the interceptor
      Preflight("/healthz"),
      Preflight(kUnknownPath),  // 404 without the interceptor
  };
  for (const auto& request : requests) {
    INFO(request.method_string() << " " << request.target());
    const auto response = Exchange(server.port(), request);
    CHECK(response.result_int() == 429);
    CHECK(response.body() == kRateLimited);
    CHECK(HeaderOf(response, "X-Request-Id").size() == 32);  // added by the server
  }
  CHECK(seen.size() == requests.size());
  CHECK(server.probe().handler_calls == 0);
  // Intercepted RPCs are reported with the code their answer carries.
  const auto finished = AwaitFinished(server.probe(), 3);
  CHECK(finished.size() == 3);
  for (const auto& [procedure, code] : finished) CHECK(code == StatusCode::kResourceExhausted);
}

TEST_CASE("an interceptor can answer CORS preflights and let the calls themselves through",
          "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetInterceptor(
        [](const http::Request& request, const RequestInfo&) -> std::optional<http::Response> {
          if (request.method() != beast_http::verb::options) return std::nullopt;
          http::Response response(beast_http::status::no_content, request.version());
          response.set("Access-Control-Allow-Methods", "GET, POST");
          return response;
        });
  });
  for (const auto path : {kEchoPath, kUnknownPath}) {
    const auto preflight = Exchange(server.port(), Preflight(path));
    CHECK(preflight.result_int() == 204);
    CHECK(HeaderOf(preflight, "Access-Control-Allow-Methods") == "GET, POST");
  }
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);
  CHECK(server.probe().handler_calls == 1);
}

TEST_CASE("an interceptor returning nullopt leaves every answer as it would be without it",
          "[server][hooks]") {
  Seen seen;
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetInterceptor([&](const http::Request& request, const RequestInfo& info) {
      seen.Record(request, info);
      return std::optional<http::Response>();
    });
  });
  const auto echo = Exchange(server.port(), EchoCall());
  CHECK(echo.result_int() == 200);
  CHECK(server.probe().handler_calls == 1);
  const auto healthz = Exchange(server.port(), Get("/healthz"));
  CHECK(healthz.result_int() == 200);
  CHECK(healthz.body() == "ok\n");
  const auto unknown = Exchange(server.port(), Post(kUnknownPath, "application/json", "{}"));
  CHECK(unknown.result_int() == 404);
  CHECK(
      unknown.body() ==
      R"({"code":"unimplemented","message":"no procedure at /market.listings.v1.ListingsService/GetJob"})");
  const auto wrong_verb = Exchange(server.port(), WithVerb(EchoCall(), beast_http::verb::put));
  CHECK(wrong_verb.result_int() == 405);
  CHECK(HeaderOf(wrong_verb, "Allow") == "POST");
  CHECK(Exchange(server.port(), Post(kCheckPath, "text/plain", "{}")).result_int() == 415);
  CHECK(Exchange(server.port(), Post("/healthz", "text/plain", "")).result_int() == 405);
  CHECK(seen.size() == 6);
  CHECK(server.probe().handler_calls == 1);
}

TEST_CASE("the interceptor sees the peer, the request id and the deadline", "[server][hooks]") {
  Seen seen;
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetInterceptor([&](const http::Request& request, const RequestInfo& info) {
      seen.Record(request, info);
      return std::optional<http::Response>();
    });
  });
  const std::string path(GENERATE(kEchoPath, kUnknownPath));
  INFO(path);

  SECTION("given by the caller") {
    const auto before = Clock::now();
    Exchange(server.port(),
             With(With(Post(path, "application/json", "{}"), "X-Request-Id", "req-7"),
                  "Connect-Timeout-Ms", "3000"));
    const auto after = Clock::now();
    const auto all = seen.All();
    REQUIRE(all.size() == 1);
    CHECK(all[0].info.peer == "127.0.0.1");
    CHECK(all[0].info.request_id == "req-7");
    // Counted from the request's arrival, before the interceptor ran.
    CHECK(all[0].info.deadline >= before + 3000ms);
    CHECK(all[0].info.deadline <= after + 3000ms);
  }
  SECTION("made by the server when the caller gave none") {
    const auto response = Exchange(server.port(), Post(path, "application/json", "{}"));
    const auto all = seen.All();
    REQUIRE(all.size() == 1);
    CHECK(all[0].info.request_id.size() == 32);
    CHECK(all[0].info.request_id == HeaderOf(response, "X-Request-Id"));
    CHECK(all[0].info.deadline == Clock::time_point::max());
  }
  SECTION("no deadline for a malformed timeout, which an RPC then refuses") {
    const auto response = Exchange(
        server.port(), With(Post(path, "application/json", "{}"), "Connect-Timeout-Ms", "soon"));
    REQUIRE(seen.size() == 1);
    CHECK(seen.All()[0].info.deadline == Clock::time_point::max());
    CHECK(response.result_int() == (path == kEchoPath ? 400 : 404));
    CHECK(server.probe().handler_calls == 0);
  }
}

TEST_CASE("an RPC's deadline counts the time spent in the interceptor", "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetInterceptor([](const http::Request&, const RequestInfo&) {
      std::this_thread::sleep_for(600ms);  // a slow rate-limit store
      return std::optional<http::Response>();
    });
  });
  SECTION("a deadline passing in the interceptor is answered on time, and the call never runs") {
    const auto start = Clock::now();
    const auto response = Exchange(server.port(), With(EchoCall(), "Connect-Timeout-Ms", "100"));
    CHECK(response.result_int() == 504);
    CHECK(Clock::now() - start < 500ms);
    std::this_thread::sleep_for(700ms);
    CHECK(server.probe().handler_calls == 0);
  }
  SECTION("the handler gets what is left of it") {
    const auto response = Exchange(
        server.port(), With(Post(kEchoPath, "application/proto", testing::Serialize(EchoRequest())),
                            "Connect-Timeout-Ms", "3000"));
    REQUIRE(response.result_int() == 200);
    EchoResponse echoed;
    REQUIRE(echoed.ParseFromString(response.body()));
    CHECK(echoed.remaining_ms() <= 2400);
    CHECK(echoed.remaining_ms() > 0);
  }
}

TEST_CASE("an intercepted request takes one worker task, not two", "[server][hooks]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  options.max_queued_calls = 0;  // a second task queued from the first would be refused
  TestServer server(options, [](Server& s) {
    s.SetInterceptor(
        [](const http::Request&, const RequestInfo&) { return std::optional<http::Response>(); });
    s.SetFallback([](const http::Request& request, const RequestInfo&, FallbackReply reply) {
      reply(TextResponse(request, beast_http::status::ok, "proxied"));
      return true;
    });
  });
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);
  CHECK(Exchange(server.port(), Get("/healthz")).result_int() == 200);
  CHECK(Exchange(server.port(), Post(kUnknownPath, "application/json", "{}")).body() == "proxied");
}

TEST_CASE("with hooks, a call whose deadline passes while it waits for a worker never runs",
          "[server][hooks]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  std::atomic<int> intercepted{0};
  TestServer server(options, [&](Server& s) {
    s.SetInterceptor([&](const http::Request&, const RequestInfo&) {
      ++intercepted;
      return std::optional<http::Response>();
    });
  });
  auto blocker = std::async(std::launch::async,
                            [&] { return Exchange(server.port(), EchoCall(600)).result_int(); });
  REQUIRE(AwaitHandlers(server.probe(), 1));

  const auto start = Clock::now();
  CHECK(Exchange(server.port(), With(EchoCall(), "Connect-Timeout-Ms", "50")).result_int() == 504);
  CHECK(Clock::now() - start < 500ms);
  CHECK(blocker.get() == 200);
  std::this_thread::sleep_for(50ms);
  // The worker got to the expired call after its answer went out and spent nothing on it.
  CHECK(intercepted == 1);
  CHECK(server.probe().handler_calls == 1);
}

TEST_CASE("with hooks, an overloaded worker pool still answers unavailable at once",
          "[server][hooks]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  options.max_queued_calls = 0;
  TestServer server(options, [](Server& s) {
    s.SetInterceptor(
        [](const http::Request&, const RequestInfo&) { return std::optional<http::Response>(); });
    s.SetResponseDecorator([](const http::Request&, http::Response& response, const AnswerInfo&) {
      response.set("X-Decorated", "1");
    });
  });
  auto blocker = std::async(std::launch::async,
                            [&] { return Exchange(server.port(), EchoCall(400)).result_int(); });
  REQUIRE(AwaitHandlers(server.probe(), 1));
  for (const auto& request : {EchoCall(), Post(kUnknownPath, "application/json", "{}")}) {
    const auto refused = Exchange(server.port(), request);
    CHECK(refused.result_int() == 503);
    CHECK(refused.body() ==
          R"({"code":"unavailable","message":"the server is overloaded; retry later"})");
    CHECK(HeaderOf(refused, "X-Decorated") == "1");
  }
  CHECK(blocker.get() == 200);
}

TEST_CASE("an interceptor that throws is answered internal, and the server goes on",
          "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetInterceptor(
        [](const http::Request& request, const RequestInfo&) -> std::optional<http::Response> {
          if (request.find("X-Throw") != request.end()) {
            throw std::runtime_error(std::string(testing::kThrownText));
          }
          return std::nullopt;
        });
  });
  for (const auto path : {kEchoPath, kUnknownPath}) {
    const auto response =
        Exchange(server.port(), With(Post(path, "application/json", "{}"), "X-Throw", "1"));
    CHECK(response.result_int() == 500);
    CHECK(response.body() == kInternal);
  }
  CHECK(server.probe().handler_calls == 0);
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);
}

TEST_CASE("the fallback answers paths that are neither procedures nor routes, seeing it all",
          "[server][hooks]") {
  Seen seen;
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetFallback([&](const http::Request& request, const RequestInfo& info, FallbackReply reply) {
      seen.Record(request, info);
      reply(TextResponse(request, beast_http::status::accepted, "proxied " + request.body()));
      return true;
    });
  });
  const auto before = Clock::now();
  const auto response = Exchange(
      server.port(),
      With(With(With(Post(std::string(kUnknownPath) + "?v=1", "application/json", R"({"jobId":7})"),
                     "X-Test", "t-1"),
                "X-Request-Id", "req-9"),
           "Connect-Timeout-Ms", "2000"));
  CHECK(response.result_int() == 202);
  CHECK(response.body() == R"(proxied {"jobId":7})");
  CHECK(HeaderOf(response, "X-Request-Id") == "req-9");

  // Procedures and routes never reach it.
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);
  CHECK(Exchange(server.port(), Get("/healthz")).body() == "ok\n");
  CHECK(server.probe().handler_calls == 1);

  const auto all = seen.All();
  REQUIRE(all.size() == 1);
  CHECK(all[0].method == "POST");
  CHECK(all[0].target == std::string(kUnknownPath) + "?v=1");
  CHECK(all[0].body == R"({"jobId":7})");
  CHECK(all[0].test_header == "t-1");
  CHECK(all[0].info.peer == "127.0.0.1");
  CHECK(all[0].info.request_id == "req-9");
  CHECK(all[0].info.deadline >= before + 2000ms);
  CHECK(all[0].info.deadline <= Clock::now() + 2000ms);
}

TEST_CASE("a fallback returning nullopt leaves the 404, or the 501 of a declared method",
          "[server][hooks]") {
  std::atomic<int> asked{0};
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetFallback([&](const http::Request&, const RequestInfo&, const FallbackReply&) {
      ++asked;
      return false;
    });
  });
  const auto unknown = Exchange(server.port(), Post(kUnknownPath, "application/json", "{}"));
  CHECK(unknown.result_int() == 404);
  CHECK(
      unknown.body() ==
      R"({"code":"unimplemented","message":"no procedure at /market.listings.v1.ListingsService/GetJob"})");
  const auto declared = Exchange(
      server.port(), Post("/market.connecttest.v1.EchoService/Forget", "application/json", "{}"));
  CHECK(declared.result_int() == 501);
  CHECK(asked == 2);
}

TEST_CASE("a fallback that throws is answered internal without its text", "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetFallback([](const http::Request&, const RequestInfo&, const FallbackReply&) -> bool {
      throw std::runtime_error(std::string(testing::kThrownText));
    });
  });
  const auto response = Exchange(server.port(), Post(kUnknownPath, "application/json", "{}"));
  CHECK(response.result_int() == 500);
  CHECK(response.body() == kInternal);
  CHECK(HeaderOf(response, "X-Request-Id").size() == 32);
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);
}

TEST_CASE("a fallback answering later holds no worker meanwhile, and its answer is decorated",
          "[server][hooks]") {
  auto options = TestServer::DefaultOptions();
  options.worker_threads = 1;
  std::mutex mutex;
  std::vector<FallbackReply> waiting;
  std::vector<std::string> bodies;
  TestServer server(options, [&](Server& s) {
    s.SetFallback([&](const http::Request& request, const RequestInfo&, FallbackReply reply) {
      std::lock_guard lock(mutex);
      waiting.push_back(std::move(reply));
      bodies.push_back(request.body());
      return true;
    });
    s.SetResponseDecorator(
        [](const http::Request& request, http::Response& response, const AnswerInfo&) {
          // Reads the request when the late answer comes: it must still be alive.
          response.set("X-Decorated-For", request.body());
        });
  });

  // Three calls wait on the fallback at once on a server with a single worker.
  std::vector<std::future<http::Response>> pending;
  for (int i = 0; i < 3; ++i) {
    pending.push_back(std::async(std::launch::async, [&server, i] {
      return Exchange(server.port(), Post(kUnknownPath, "application/json", std::to_string(i)));
    }));
  }
  const auto all_waiting = [&] {
    std::lock_guard lock(mutex);
    return waiting.size() == 3;
  };
  const auto until = Clock::now() + 2s;
  while (!all_waiting() && Clock::now() < until) std::this_thread::sleep_for(2ms);
  REQUIRE(all_waiting());
  // The worker is free: a served call goes through while the three wait.
  CHECK(Exchange(server.port(), EchoCall()).result_int() == 200);

  // Answered from another thread, twice over: the second reply is dropped.
  std::thread answerer([&] {
    std::lock_guard lock(mutex);
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      http::Response response(beast_http::status::ok, 11);
      response.body() = "late " + bodies[i];
      waiting[i](response);
      response.body() = "again";
      waiting[i](response);
    }
  });
  answerer.join();
  for (int i = 0; i < 3; ++i) {
    const auto response = pending[i].get();
    CHECK(response.result_int() == 200);
    CHECK(response.body() == "late " + std::to_string(i));
    CHECK(HeaderOf(response, "X-Decorated-For") == std::to_string(i));
    CHECK(HeaderOf(response, "X-Request-Id").size() == 32);
  }
}

TEST_CASE("a malformed Connect-Timeout-Ms is refused before the fallback runs", "[server][hooks]") {
  std::atomic<int> asked{0};
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetFallback([&](const http::Request& request, const RequestInfo&, FallbackReply reply) {
      ++asked;
      reply(TextResponse(request, beast_http::status::ok, ""));
      return true;
    });
  });
  const auto response = Exchange(
      server.port(), With(Post(kUnknownPath, "application/json", "{}"), "Connect-Timeout-Ms", "0"));
  CHECK(response.result_int() == 400);
  CHECK(
      response.body() ==
      R"({"code":"invalid_argument","message":"Connect-Timeout-Ms: \"0\" is not a positive integer of at most 10 digits"})");
  CHECK(asked == 0);
}

TEST_CASE("the decorator touches every response the server sends", "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetInterceptor(
        [](const http::Request& request, const RequestInfo&) -> std::optional<http::Response> {
          if (request.find("X-Block") == request.end()) return std::nullopt;
          return RateLimited(request);
        });
    s.SetFallback([](const http::Request& request, const RequestInfo&, FallbackReply reply) {
      if (request.target() != "/proxied") return false;
      reply(TextResponse(request, beast_http::status::ok, "upstream"));
      return true;
    });
    s.SetResponseDecorator(
        [](const http::Request& request, http::Response& response, const AnswerInfo&) {
          const auto origin = request.find("Origin");
          if (origin != request.end()) response.set("Access-Control-Allow-Origin", origin->value());
          // Runs after the server's own headers are in place.
          response.set("X-Saw-Request-Id",
                       response.find("X-Request-Id") != response.end() ? "yes" : "no");
        });
  });
  struct Case {
    std::string_view name;
    http::Request request;
    unsigned status;
  };
  const std::vector<Case> cases = {
      {"success", EchoCall(), 200},
      {"handler error", Post(kCheckPath, "application/json", R"({"service":"missing"})"), 404},
      {"handler throwing", Post(kCheckPath, "application/json", R"({"service":"throw"})"), 500},
      {"deadline",
       With(Post(kCheckPath, "application/json", R"({"service":"slow:500"})"), "Connect-Timeout-Ms",
            "50"),
       504},
      {"unknown path", Post(kUnknownPath, "application/json", "{}"), 404},
      {"wrong verb for an RPC", WithVerb(EchoCall(), beast_http::verb::put), 405},
      {"wrong verb for a route", Post("/healthz", "text/plain", ""), 405},
      {"unknown content type", Post(kCheckPath, "text/plain", "{}"), 415},
      {"route", Get("/healthz"), 200},
      {"fallback", Post("/proxied", "text/plain", ""), 200},
      {"interceptor", With(EchoCall(), "X-Block", "1"), 429},
      {"oversized body", Post(kCheckPath, "application/json", std::string(70 << 10, ' ')), 429},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto response = Exchange(server.port(), With(c.request, "Origin", "https://app.example"));
    CHECK(response.result_int() == c.status);
    CHECK(HeaderOf(response, "Access-Control-Allow-Origin") == "https://app.example");
    CHECK(HeaderOf(response, "X-Saw-Request-Id") == "yes");
  }
}

TEST_CASE("the decorator is told how long the answer took, for access logs", "[server][hooks]") {
  std::atomic<std::int64_t> elapsed_ms{-1};
  TestServer server(TestServer::DefaultOptions(), [&](Server& s) {
    s.SetResponseDecorator([&](const http::Request&, http::Response&, const AnswerInfo& answer) {
      elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(answer.elapsed).count();
    });
  });
  for (const auto& request : {Post(kCheckPath, "application/json", R"({"service":"slow:150"})"),
                              Post(kUnknownPath, "application/json", "{}")}) {
    elapsed_ms = -1;
    const auto response = Exchange(server.port(), request);
    INFO(request.target());
    CHECK(elapsed_ms.load() >= 0);
    CHECK(elapsed_ms.load() < 5000);
    if (response.result_int() == 200) CHECK(elapsed_ms.load() >= 150);
  }
}

TEST_CASE("a decorator that throws leaves the response as it stands", "[server][hooks]") {
  TestServer server(TestServer::DefaultOptions(), [](Server& s) {
    s.SetResponseDecorator([](const http::Request&, http::Response& response, const AnswerInfo&) {
      response.set("X-Before-Throw", "1");
      throw std::runtime_error("bug in decorator");
    });
  });
  const auto response = Exchange(server.port(), EchoCall());
  CHECK(response.result_int() == 200);
  CHECK(HeaderOf(response, "X-Before-Throw") == "1");
  CHECK(response.body().find(R"("echoText":"x")") != std::string::npos);
}

TEST_CASE("hooks cannot be set once the server runs", "[server][hooks]") {
  TestServer server;
  auto none = [](const http::Request&, const RequestInfo&) {
    return std::optional<http::Response>();
  };
  CHECK_THROWS_AS(server.server().SetInterceptor(none), std::logic_error);
  CHECK_THROWS_AS(server.server().SetFallback([](const http::Request&, const RequestInfo&,
                                                 const FallbackReply&) { return false; }),
                  std::logic_error);
  CHECK_THROWS_AS(server.server().SetResponseDecorator(
                      [](const http::Request&, http::Response&, const AnswerInfo&) {}),
                  std::logic_error);
  // And the server it runs keeps its hook-free path.
  CHECK(Exchange(server.port(), Post(kUnknownPath, "application/json", "{}")).result_int() == 404);
}

}  // namespace
}  // namespace market::connect
