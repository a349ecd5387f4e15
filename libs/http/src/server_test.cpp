#include "market/http/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace market::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::FastOptions;
using testing::PostText;
using testing::RawConnection;
using testing::WaitUntil;

// Answers at once with the request's target and body, "<target>|<body>".
Handler EchoHandler(std::atomic<int>& requests) {
  return [&requests](Request request, const RequestInfo&, Responder respond) {
    ++requests;
    Response response{bhttp::status::ok, 11};
    response.body() = std::string(request.target()) + "|" + request.body();
    respond(std::move(response));
  };
}

TEST_CASE("several requests are answered over one keep-alive connection", "[http][server]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), EchoHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.connected());

  SECTION("one after the other") {
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i);
      REQUIRE(connection.Write(PostText("/echo/" + n, "body " + n)));
      auto answer = connection.ReadResponse();
      REQUIRE_FALSE(answer.ec);
      CHECK(answer.response.result() == bhttp::status::ok);
      CHECK(answer.response.body() == "/echo/" + n + "|body " + n);
      CHECK(answer.response.keep_alive());
    }
  }
  SECTION("pipelined in one write") {
    REQUIRE(connection.Write(PostText("/a", "first") + PostText("/b", "second")));
    auto first = connection.ReadResponse();
    auto second = connection.ReadResponse();
    REQUIRE_FALSE(first.ec);
    REQUIRE_FALSE(second.ec);
    CHECK(first.response.body() == "/a|first");
    CHECK(second.response.body() == "/b|second");
  }
  CHECK(server.open_connections() == 1);
}

TEST_CASE("a request asking for Connection: close is answered, then the connection closes",
          "[http][server]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), EchoHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(PostText("/bye", "x", "Connection: close\r\n")));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "/bye|x");
  CHECK_FALSE(answer.response.keep_alive());
  CHECK(connection.WaitForClose(std::chrono::milliseconds(1000)));
}

TEST_CASE("a chunked request body reaches the handler whole", "[http][server]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), EchoHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  // Sent in pieces, as a streaming client does, so the body is read across several reads.
  REQUIRE(connection.Write(
      "POST /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(connection.Write("6\r\n world\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(connection.Write("0\r\n\r\n"));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "/chunked|hello world");

  // The connection stays usable after a chunked request.
  REQUIRE(connection.Write(PostText("/next", "n")));
  auto next = connection.ReadResponse();
  REQUIRE_FALSE(next.ec);
  CHECK(next.response.body() == "/next|n");
}

TEST_CASE("an answer may come later from another thread", "[http][server]") {
  std::mutex mutex;
  std::optional<Responder> parked;
  Server server(FastOptions(), [&](Request, const RequestInfo&, Responder respond) {
    std::lock_guard lock(mutex);
    parked = std::move(respond);
  });
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(PostText("/later", "")));
  REQUIRE(WaitUntil([&] {
    std::lock_guard lock(mutex);
    return parked.has_value();
  }));
  CHECK(server.in_flight_requests() == 1);

  Responder respond;
  {
    std::lock_guard lock(mutex);
    respond = std::move(*parked);
    parked.reset();
  }
  std::thread worker([&respond] {
    Response response{bhttp::status::accepted, 11};
    response.body() = "done";
    respond(response);
    respond(Response{bhttp::status::ok, 11});  // a second answer is ignored
  });
  worker.join();
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.result() == bhttp::status::accepted);
  CHECK(answer.response.body() == "done");
  CHECK(WaitUntil([&] { return server.in_flight_requests() == 0; }));

  // Only one answer went out: the next request gets its own.
  REQUIRE(connection.Write(PostText("/again", "")));
  REQUIRE(WaitUntil([&] {
    std::lock_guard lock(mutex);
    return parked.has_value();
  }));
  {
    std::lock_guard lock(mutex);
    (*parked)(Response{bhttp::status::no_content, 11});
    parked.reset();
  }
  auto again = connection.ReadResponse();
  REQUIRE_FALSE(again.ec);
  CHECK(again.response.result() == bhttp::status::no_content);
}

TEST_CASE("the answer to HEAD announces its length but carries no body", "[http][server]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), EchoHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write("HEAD /page HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = connection.ReadResponse(std::chrono::milliseconds(2000), /*head=*/true);
  REQUIRE_FALSE(head.ec);
  CHECK(head.response[bhttp::field::content_length] == "6");  // "/page|"

  // Had the body been sent, it would be read here as the start of the next answer.
  REQUIRE(connection.Write(PostText("/next", "n")));
  auto next = connection.ReadResponse();
  REQUIRE_FALSE(next.ec);
  CHECK(next.response.body() == "/next|n");
}

TEST_CASE("a handler that throws is answered with 500 and the connection keeps serving",
          "[http][server]") {
  Server server(FastOptions(), [](Request request, const RequestInfo&, Responder respond) {
    if (request.target() == "/throw") throw std::runtime_error("bug in handler");
    respond(Response{bhttp::status::ok, 11});
  });
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(PostText("/throw", "")));
  auto failed = connection.ReadResponse();
  REQUIRE_FALSE(failed.ec);
  CHECK(failed.response.result() == bhttp::status::internal_server_error);
  CHECK(failed.response.body().find("bug") == std::string::npos);

  REQUIRE(connection.Write(PostText("/fine", "")));
  auto fine = connection.ReadResponse();
  REQUIRE_FALSE(fine.ec);
  CHECK(fine.response.result() == bhttp::status::ok);
}

TEST_CASE("a handler that drops its responder unanswered is answered with 500", "[http][server]") {
  Server server(FastOptions(), [](Request, const RequestInfo&, Responder) {});
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(PostText("/lost", "")));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.result() == bhttp::status::internal_server_error);
  CHECK(WaitUntil([&] { return server.in_flight_requests() == 0; }));
}

TEST_CASE("a client sending Expect: 100-continue is told to go on before its body",
          "[http][server]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), EchoHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(
      "POST /big HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = connection.ReadResponse();
  REQUIRE_FALSE(interim.ec);
  CHECK(interim.response.result() == bhttp::status::continue_);
  REQUIRE(connection.Write("data"));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.result() == bhttp::status::ok);
  CHECK(answer.response.body() == "/big|data");
}

TEST_CASE("the handler is told the client's IP address, without the port", "[http][server]") {
  std::mutex mutex;
  std::vector<std::string> peers;
  auto recording = [&](Request, const RequestInfo& info, Responder respond) {
    {
      std::lock_guard lock(mutex);
      peers.push_back(info.peer);
    }
    respond(Response{bhttp::status::ok, 11});
  };
  ServerOptions options = FastOptions();
  std::string client_address = "127.0.0.1";
  std::string expected_peer = "127.0.0.1";
  SECTION("an IPv4 client") {}
  SECTION("an IPv6 client") {
    options.address = "::1";
    client_address = "::1";
    expected_peer = "::1";
  }
  SECTION("an IPv4 client of a dual-stack socket, in IPv4 form rather than ::ffff:127.0.0.1") {
    options.address = "::";
  }
  Server server(options, recording);
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port(), client_address);
  REQUIRE(connection.connected());
  for (int i = 0; i < 2; ++i) {  // every request on a keep-alive connection carries it
    REQUIRE(connection.Write(PostText("/who", "")));
    REQUIRE_FALSE(connection.ReadResponse().ec);
  }
  std::lock_guard lock(mutex);
  CHECK(peers == std::vector<std::string>{expected_peer, expected_peer});
}

TEST_CASE("Start refuses what it cannot serve", "[http][server]") {
  std::atomic<int> requests{0};
  Server first(FastOptions(), EchoHandler(requests));
  REQUIRE(first.Start().ok());
  REQUIRE(first.port() != 0);

  ServerOptions options = FastOptions();
  SECTION("a port already in use is unavailable") {
    options.port = first.port();
    Server second(options, EchoHandler(requests));
    CHECK(second.Start().code() == StatusCode::kUnavailable);
  }
  SECTION("an address that is not an IP address is invalid") {
    options.address = "not-an-address";
    Server second(options, EchoHandler(requests));
    CHECK(second.Start().code() == StatusCode::kInvalidArgument);
  }
  SECTION("an address this host does not have is invalid") {
    options.address = "192.0.2.1";  // TEST-NET-1, never assigned to a host
    Server second(options, EchoHandler(requests));
    CHECK(second.Start().code() == StatusCode::kInvalidArgument);
  }
  SECTION("no io thread is invalid") {
    options.io_threads = 0;
    Server second(options, EchoHandler(requests));
    CHECK(second.Start().code() == StatusCode::kInvalidArgument);
  }
  SECTION("starting twice is a precondition failure") {
    CHECK(first.Start().code() == StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace market::http
