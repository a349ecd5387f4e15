#include "market/http/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace market::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Clock;
using testing::FastOptions;
using testing::PostText;
using testing::RawConnection;
using testing::Since;
using testing::WaitUntil;

using std::chrono::milliseconds;

// "/slow" is answered 500 ms later from a thread of its own, anything else at once.
class SlowAndFast {
 public:
  ~SlowAndFast() {
    for (auto& worker : workers_) worker.join();
  }

  Handler Get() {
    return [this](Request request, const RequestInfo&, Responder respond) {
      if (request.target() != "/slow") {
        respond(Response{bhttp::status::ok, 11});
        return;
      }
      ++slow_started;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([respond = std::move(respond)] {
        std::this_thread::sleep_for(milliseconds(500));
        Response response{bhttp::status::ok, 11};
        response.body() = "slow but complete";
        respond(std::move(response));
      });
    };
  }

  std::atomic<int> slow_started{0};

 private:
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

TEST_CASE("Shutdown lets a slow in-flight request finish and closes idle connections at once",
          "[http][shutdown]") {
  SlowAndFast handler;
  Server server(FastOptions(), handler.Get());
  REQUIRE(server.Start().ok());
  const auto port = server.port();

  RawConnection idle(port);
  REQUIRE(idle.Write(PostText("/fast", "")));
  REQUIRE_FALSE(idle.ReadResponse().ec);

  RawConnection busy(port);
  REQUIRE(busy.Write(PostText("/slow", "")));
  REQUIRE(WaitUntil([&] { return handler.slow_started == 1; }));

  const auto shutdown_start = Clock::now();
  std::atomic<long> shutdown_ms{-1};
  std::thread stopper([&] {
    server.Shutdown();
    shutdown_ms = Since(shutdown_start).count();
  });

  CHECK(idle.WaitForClose(milliseconds(300)));
  CHECK(Since(shutdown_start) < milliseconds(400));  // closed well before the slow answer

  auto answer = busy.ReadResponse(milliseconds(2000));
  INFO("answer read " << Since(shutdown_start).count() << " ms after Shutdown began");
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "slow but complete");
  CHECK_FALSE(answer.response.keep_alive());
  CHECK(busy.WaitForClose(milliseconds(1000)));

  stopper.join();
  CHECK(shutdown_ms >= 400);
  CHECK(shutdown_ms < 1500);
  CHECK(server.open_connections() == 0);
  CHECK(server.in_flight_requests() == 0);

  RawConnection refused(port);
  CHECK_FALSE(refused.connected());
  server.Shutdown();  // idempotent
}

TEST_CASE("a request being read when Shutdown begins is still answered", "[http][shutdown]") {
  SlowAndFast handler;
  Server server(FastOptions(), handler.Get());
  REQUIRE(server.Start().ok());
  RawConnection reading(server.port());
  REQUIRE(reading.Write("POST /fast HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n01234"));
  REQUIRE(WaitUntil([&] { return server.open_connections() == 1; }));
  std::this_thread::sleep_for(milliseconds(200));  // the server has the first bytes

  std::thread stopper([&] { server.Shutdown(); });
  std::this_thread::sleep_for(milliseconds(50));
  REQUIRE(reading.Write("56789"));
  auto answer = reading.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.result() == bhttp::status::ok);
  CHECK_FALSE(answer.response.keep_alive());
  stopper.join();
}

TEST_CASE("Shutdown closes what is still in flight after drain_timeout", "[http][shutdown]") {
  ServerOptions options = FastOptions();
  options.drain_timeout = milliseconds(300);
  std::mutex mutex;
  std::optional<Responder> parked;
  auto server =
      std::make_unique<Server>(options, [&](Request, const RequestInfo&, Responder respond) {
        std::lock_guard lock(mutex);
        parked = std::move(respond);
      });
  REQUIRE(server->Start().ok());
  RawConnection stuck(server->port());
  REQUIRE(stuck.Write(PostText("/never", "")));
  REQUIRE(WaitUntil([&] { return server->in_flight_requests() == 1; }));

  const auto start = Clock::now();
  server->Shutdown();
  CHECK(Since(start) >= milliseconds(250));
  CHECK(Since(start) < milliseconds(1500));
  CHECK(stuck.WaitForClose(milliseconds(500)));

  // An answer arriving after Shutdown(), even after the server is gone, is dropped harmlessly
  // (the sanitizer build checks that nothing of the server is touched).
  std::lock_guard lock(mutex);
  REQUIRE(parked.has_value());
  (*parked)(Response{bhttp::status::ok, 11});
  server.reset();
  (*parked)(Response{bhttp::status::ok, 11});
  parked.reset();
}

}  // namespace
}  // namespace market::http
