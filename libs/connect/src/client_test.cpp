#include "market/connect/client.hpp"

#include <catch2/catch.hpp>

#include <poll.h>

#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "market/connect/error_details.hpp"
#include "test_server.hpp"

namespace market::connect {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;
using testing::TestServer;

namespace asio = boost::asio;

constexpr std::string_view kEchoService = "market.connecttest.v1.EchoService";

constexpr std::string_view kEmptyProtoAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/proto\r\nContent-Length: 0\r\n\r\n";

// An upstream that reads requests and answers the n-th with answers[n] (the last one repeats);
// an empty answer closes the connection instead. It counts the requests it read.
class FakeUpstream {
 public:
  explicit FakeUpstream(std::vector<std::string> answers)
      : answers_(std::move(answers)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeUpstream() {
    stopping_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_; }

 private:
  static bool Readable(int fd) {
    pollfd descriptor{fd, POLLIN, 0};
    return ::poll(&descriptor, 1, 50) > 0;
  }

  void Run() {
    while (!stopping_) {
      if (!Readable(acceptor_.native_handle())) continue;
      asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket);
      Serve(socket);
    }
  }

  void Serve(asio::ip::tcp::socket& socket) {
    std::string received;
    while (!stopping_) {
      const auto header_end = received.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t length = 0;
        const auto at = received.find("Content-Length: ");
        if (at != std::string::npos && at < header_end)
          length = std::stoul(received.substr(at + 16));
        if (received.size() >= header_end + 4 + length) {
          const std::string& answer =
              answers_[std::min<std::size_t>(requests_++, answers_.size() - 1)];
          received.erase(0, header_end + 4 + length);
          if (answer.empty()) return;  // the socket closes without an answer
          asio::write(socket, asio::buffer(answer));
          continue;
        }
      }
      if (!Readable(socket.native_handle())) continue;
      char chunk[4096];
      boost::system::error_code ec;
      const std::size_t got = socket.read_some(asio::buffer(chunk), ec);
      if (ec) return;
      received.append(chunk, got);
    }
  }

  std::vector<std::string> answers_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST_CASE("a call round-trips in both codecs", "[client]") {
  TestServer server;
  auto http = std::make_shared<http::Client>();
  for (const Codec codec : {Codec::kProto, Codec::kJson}) {
    INFO(CodecName(codec));
    Client client(http, {"127.0.0.1", server.port()}, codec);
    EchoRequest request;
    request.set_echo_text("héllo");
    request.set_repeat_count(1LL << 40);
    const auto response =
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", request, CallOptions{});
    REQUIRE(response.ok());
    CHECK(response->echo_text() == "héllo");
    CHECK(response->repeat_count() == 1LL << 40);
    CHECK(response->remaining_ms() == -1);  // no deadline, no Connect-Timeout-Ms
  }
}

TEST_CASE("a Connect error comes back as the status the server sent", "[client]") {
  TestServer server;
  Client client(std::make_shared<http::Client>(), {"127.0.0.1", server.port()});
  HealthCheckRequest request;
  request.set_service("missing");
  const auto missing = client.Call<HealthCheckRequest, HealthCheckResponse>(
      "grpc.health.v1.Health", "Check", request, CallOptions{});
  CHECK(missing.status() == NotFoundError("service: no service named \"missing\""));

  request.set_service("throw");
  const auto thrown = client.Call<HealthCheckRequest, HealthCheckResponse>(
      "grpc.health.v1.Health", "Check", request, CallOptions{});
  CHECK(thrown.status() == InternalError("the server failed to process the call"));

  // With its details, in both codecs: errors are JSON whatever the request's codec.
  for (const Codec codec : {Codec::kProto, Codec::kJson}) {
    INFO(CodecName(codec));
    Client typed(std::make_shared<http::Client>(), {"127.0.0.1", server.port()}, codec);
    request.set_service("invalid");
    const auto invalid = typed.Call<HealthCheckRequest, HealthCheckResponse>(
        "grpc.health.v1.Health", "Check", request, CallOptions{});
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.status().code() == StatusCode::kInvalidArgument);
    CHECK(FieldViolationsOf(invalid.status()) ==
          std::vector<FieldViolation>{{"service", "must not be \"invalid\""},
                                      {"service", "must name a registered service"}});
    CHECK(ErrorInfoOf(invalid.status()) ==
          ErrorReason{"INVALID_SERVICE", "connecttest.market", {}});
  }
}

TEST_CASE("a bare HTTP error gets the code the spec infers from its status", "[client]") {
  auto http = std::make_shared<http::Client>();
  SECTION("503 from a proxy is unavailable") {
    FakeUpstream upstream(
        {"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n"
         "oops!"});
    Client client(http, {"127.0.0.1", upstream.port()});
    const auto response =
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), CallOptions{});
    CHECK(response.status() == UnavailableError("upstream answered HTTP 503"));
  }
  SECTION("404 without a Connect body is unimplemented") {
    FakeUpstream upstream(
        {"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot "
         "found"});
    Client client(http, {"127.0.0.1", upstream.port()});
    const auto response =
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), CallOptions{});
    CHECK(response.status() == UnimplementedError("upstream answered HTTP 404"));
  }
  SECTION("200 with another content type is internal") {
    FakeUpstream upstream(
        {"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"});
    Client client(http, {"127.0.0.1", upstream.port()});
    const auto response =
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), CallOptions{});
    CHECK(response.status() ==
          InternalError("/market.connecttest.v1.EchoService/Echo answered with Content-Type "
                        "\"text/plain\", expected application/proto"));
  }
}

TEST_CASE("the remaining deadline travels as Connect-Timeout-Ms", "[client]") {
  TestServer server;
  Client client(std::make_shared<http::Client>(), {"127.0.0.1", server.port()});
  CallOptions options;
  options.deadline = Clock::now() + 2000ms;
  const auto response =
      client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), options);
  REQUIRE(response.ok());
  // The handler's deadline is never later than the caller's.
  CHECK(response->remaining_ms() <= 2000);
  CHECK(response->remaining_ms() > 1000);

  SECTION("and the server enforces it") {
    EchoRequest slow;
    slow.set_sleep_ms(1500);
    options.deadline = Clock::now() + 200ms;
    const auto start = Clock::now();
    const auto late = client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", slow, options);
    CHECK(late.status().code() == StatusCode::kDeadlineExceeded);
    CHECK(Clock::now() - start < 1000ms);
  }
}

TEST_CASE("a call whose deadline has passed fails without being sent", "[client]") {
  TestServer server;
  Client client(std::make_shared<http::Client>(), {"127.0.0.1", server.port()});
  CallOptions options;
  options.deadline = Clock::now() - 1ms;
  const auto response =
      client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), options);
  CHECK(response.status() ==
        DeadlineExceededError(
            "the deadline passed before /market.connecttest.v1.EchoService/Echo was called"));
  std::this_thread::sleep_for(50ms);
  CHECK(server.probe().handler_calls == 0);
  CHECK(server.probe().Finished().empty());
}

TEST_CASE("credentials and the request id travel with the call", "[client]") {
  TestServer server;
  Client client(std::make_shared<http::Client>(), {"127.0.0.1", server.port()}, Codec::kJson);

  CallContext incoming;
  incoming.deadline = Clock::now() + 5s;
  incoming.authorization = "Bearer service-token";
  incoming.request_id = "req-42";
  const CallOptions options = CallOptions::PropagatedFrom(incoming);
  CHECK(options.deadline == incoming.deadline);
  CHECK(options.authorization == "Bearer service-token");
  CHECK(options.request_id == "req-42");

  const auto response =
      client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), options);
  REQUIRE(response.ok());
  CHECK(response->authorization() == "Bearer service-token");
  CHECK(response->request_id() == "req-42");
  CHECK(response->remaining_ms() <= 5000);
}

TEST_CASE("only a call without side effects is retried after a lost connection", "[client]") {
  // The first call leaves a pooled keep-alive connection; the upstream drops it under the second
  // call after reading the request, and answers again on a fresh connection.
  auto http = std::make_shared<http::Client>();
  FakeUpstream upstream({std::string(kEmptyProtoAnswer), "", std::string(kEmptyProtoAnswer)});
  Client client(http, {"127.0.0.1", upstream.port()});

  SECTION("a side-effecting call is sent once") {
    REQUIRE(
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), CallOptions{})
            .ok());
    const auto response =
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Echo", EchoRequest(), CallOptions{});
    CHECK(response.status().code() == StatusCode::kUnavailable);
    CHECK(upstream.requests() == 2);
  }
  SECTION("a NO_SIDE_EFFECTS call is sent again") {
    REQUIRE(
        client.Call<EchoRequest, EchoResponse>(kEchoService, "Lookup", EchoRequest(), CallOptions{})
            .ok());
    const auto response = client.Call<EchoRequest, EchoResponse>(kEchoService, "Lookup",
                                                                 EchoRequest(), CallOptions{});
    CHECK(response.ok());
    CHECK(upstream.requests() == 3);
  }
}

TEST_CASE("calling a method with the wrong message types is a wiring bug", "[client]") {
  Client client(std::make_shared<http::Client>(), {"127.0.0.1", 1});
  CHECK_THROWS_AS((client.Call<HealthCheckRequest, EchoResponse>(
                      "grpc.health.v1.Health", "Check", HealthCheckRequest(), CallOptions{})),
                  std::logic_error);
}

}  // namespace
}  // namespace market::connect
