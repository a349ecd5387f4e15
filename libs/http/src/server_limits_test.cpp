#include "market/http/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
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

Handler CountingHandler(std::atomic<int>& requests) {
  return [&requests](Request request, const RequestInfo&, Responder respond) {
    ++requests;
    Response response{bhttp::status::ok, 11};
    response.body() = request.body();
    respond(std::move(response));
  };
}

// Records each refusal and answers it with 422 and the failure's name, so a test can tell the
// responder's answer from the server's own.
struct RecordingFailureResponder {
  std::mutex mutex;
  std::vector<ProtocolFailure> failures;

  FailureResponder Get() {
    return [this](ProtocolFailure failure, const Request&) {
      std::lock_guard lock(mutex);
      failures.push_back(failure);
      Response response{bhttp::status::unprocessable_entity, 11};
      response.body() = std::string(ProtocolFailureName(failure));
      return response;
    };
  }
  std::vector<ProtocolFailure> Seen() {
    std::lock_guard lock(mutex);
    return failures;
  }
};

TEST_CASE("a request body over the limit is refused as kBodyTooLarge and the connection closed",
          "[http][limits]") {
  ServerOptions options = FastOptions();
  options.max_body_bytes = 1024;
  std::atomic<int> requests{0};
  RecordingFailureResponder refusals;
  Server server(options, CountingHandler(requests), refusals.Get());
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());

  SECTION("declared by Content-Length") {
    REQUIRE(connection.Write(PostText("/big", std::string(5000, 'x'))));
  }
  SECTION("received as chunks") {
    std::string chunked = "POST /big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) chunked += "200\r\n" + std::string(0x200, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    REQUIRE(connection.Write(chunked));
  }
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.result() == bhttp::status::unprocessable_entity);
  CHECK(answer.response.body() == "body_too_large");
  CHECK_FALSE(answer.response.keep_alive());
  CHECK(connection.WaitForClose(milliseconds(1500)));
  CHECK(refusals.Seen() == std::vector<ProtocolFailure>{ProtocolFailure::kBodyTooLarge});
  CHECK(requests == 0);
}

TEST_CASE("a request header over the limit is refused as kHeaderTooLarge", "[http][limits]") {
  ServerOptions options = FastOptions();
  options.max_header_bytes = 1024;
  std::atomic<int> requests{0};
  RecordingFailureResponder refusals;
  Server server(options, CountingHandler(requests), refusals.Get());
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(PostText("/", "", "X-Padding: " + std::string(4000, 'p') + "\r\n")));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "header_too_large");
  CHECK(connection.WaitForClose(milliseconds(1500)));
  CHECK(refusals.Seen() == std::vector<ProtocolFailure>{ProtocolFailure::kHeaderTooLarge});
  CHECK(requests == 0);
}

TEST_CASE("bytes that are not HTTP are refused as kMalformedRequest", "[http][limits]") {
  std::atomic<int> requests{0};
  RecordingFailureResponder refusals;
  Server server(FastOptions(), CountingHandler(requests), refusals.Get());
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());
  REQUIRE(connection.Write(std::string("\x16\x03\x01 not http at all\r\n\r\n")));
  auto answer = connection.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "malformed_request");
  CHECK(connection.WaitForClose(milliseconds(1500)));
  CHECK(refusals.Seen() == std::vector<ProtocolFailure>{ProtocolFailure::kMalformedRequest});
}

TEST_CASE("without a failure responder refusals are plain 413, 431 and 400", "[http][limits]") {
  ServerOptions options = FastOptions();
  options.max_body_bytes = 16;
  options.max_header_bytes = 512;
  std::atomic<int> requests{0};
  Server server(options, CountingHandler(requests));
  REQUIRE(server.Start().ok());
  struct Row {
    std::string bytes;
    bhttp::status expected;
  };
  const Row rows[] = {
      {PostText("/", std::string(17, 'b')), bhttp::status::payload_too_large},
      {PostText("/", "", "X-Pad: " + std::string(600, 'p') + "\r\n"),
       bhttp::status::request_header_fields_too_large},
      {"GARBAGE\r\n\r\n", bhttp::status::bad_request},
  };
  for (const auto& row : rows) {
    RawConnection connection(server.port());
    REQUIRE(connection.Write(row.bytes));
    auto answer = connection.ReadResponse();
    REQUIRE_FALSE(answer.ec);
    CHECK(answer.response.result() == row.expected);
    CHECK(connection.WaitForClose(milliseconds(1500)));
  }
}

TEST_CASE("a client trickling its request is cut off at read_timeout while others are served",
          "[http][limits]") {
  ServerOptions options = FastOptions();
  options.io_threads = 1;  // the trickler must not hold the only network thread
  options.read_timeout = milliseconds(300);
  std::atomic<int> requests{0};
  Server server(options, CountingHandler(requests));
  REQUIRE(server.Start().ok());

  // One byte every 30 ms: each read alone is quick, only the whole request is slow.
  std::atomic<long> cut_after_ms{-1};
  std::thread trickler([&] {
    RawConnection slow(server.port());
    const std::string request = PostText("/slow", std::string(200, 's'));
    const auto start = Clock::now();
    for (char byte : request) {
      if (!slow.Write(std::string_view(&byte, 1))) {
        cut_after_ms = Since(start).count();
        return;
      }
      std::this_thread::sleep_for(milliseconds(30));
    }
  });

  RawConnection fast(server.port());
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    REQUIRE(fast.Write(PostText("/fast", "f")));
    auto answer = fast.ReadResponse();
    REQUIRE_FALSE(answer.ec);
    CHECK(Since(start) < milliseconds(150));
    std::this_thread::sleep_for(milliseconds(40));
  }
  trickler.join();
  // Cut at 300 ms; the trickler notices on its next write or the one after.
  CHECK(cut_after_ms >= 250);
  CHECK(cut_after_ms < 1500);
  CHECK(requests == 5);
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout", "[http][limits]") {
  ServerOptions options = FastOptions();
  options.idle_timeout = milliseconds(300);
  std::atomic<int> requests{0};
  Server server(options, CountingHandler(requests));
  REQUIRE(server.Start().ok());
  RawConnection connection(server.port());

  // Requests spaced closer than the timeout keep the connection open well beyond it.
  for (int i = 0; i < 5; ++i) {
    REQUIRE(connection.Write(PostText("/", "x")));
    REQUIRE_FALSE(connection.ReadResponse().ec);
    std::this_thread::sleep_for(milliseconds(150));
  }
  const auto idle_from = Clock::now();
  CHECK(connection.WaitForClose(milliseconds(2000)));
  CHECK(Since(idle_from) >= milliseconds(100));  // 300 ms minus the last sleep, with margin
  CHECK(WaitUntil([&] { return server.open_connections() == 0; }));
}

TEST_CASE("under pressure idle connections wait less, giving their places back sooner",
          "[http][limits]") {
  ServerOptions options = FastOptions();
  options.max_connections = 4;
  options.max_connections_per_address = 4;
  options.idle_timeout = milliseconds(60000);
  options.idle_timeout_under_pressure = milliseconds(200);
  std::atomic<int> requests{0};
  Server server(options, CountingHandler(requests));
  REQUIRE(server.Start().ok());

  // One connection of four places: no pressure, it may idle for the full minute.
  RawConnection calm(server.port());
  REQUIRE(calm.Write(PostText("/", "x")));
  REQUIRE_FALSE(calm.ReadResponse().ec);

  // Three of four taken: connections that start waiting now wait 200 ms, not a minute.
  RawConnection second(server.port());
  RawConnection third(server.port());
  REQUIRE(WaitUntil([&] { return server.open_connections() == 3; }));
  for (RawConnection* connection : {&second, &third}) {
    REQUIRE(connection->Write(PostText("/", "x")));
    REQUIRE_FALSE(connection->ReadResponse().ec);
  }
  const auto idle_from = Clock::now();
  CHECK(second.WaitForClose(milliseconds(3000)));
  CHECK(third.WaitForClose(milliseconds(3000)));
  CHECK(Since(idle_from) < milliseconds(2000));
  // The calm one started waiting before the pressure: it keeps its place.
  CHECK(WaitUntil([&] { return server.open_connections() == 1; }));
}

TEST_CASE("connections beyond max_connections are closed, the count is exact under load",
          "[http][limits]") {
  ServerOptions options = FastOptions();
  options.io_threads = 2;
  options.max_connections = 5;
  constexpr int kClients = 12;
  std::mutex mutex;
  std::vector<Responder> parked;
  Server server(options, [&](Request, const RequestInfo&, Responder respond) {
    std::lock_guard lock(mutex);
    parked.push_back(std::move(respond));
  });
  REQUIRE(server.Start().ok());
  auto parked_count = [&] {
    std::lock_guard lock(mutex);
    return parked.size();
  };

  std::vector<std::unique_ptr<RawConnection>> clients(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      clients[i] = std::make_unique<RawConnection>(server.port());
      clients[i]->Write(PostText("/", "hold"));
    });
  }
  for (auto& thread : threads) thread.join();

  REQUIRE(WaitUntil([&] { return parked_count() == 5; }));
  std::this_thread::sleep_for(milliseconds(100));  // nothing more gets in
  CHECK(parked_count() == 5);
  CHECK(server.open_connections() == 5);

  {
    std::lock_guard lock(mutex);
    for (auto& respond : parked) respond(Response{bhttp::status::ok, 11});
  }
  int answered = 0;
  for (auto& client : clients) {
    if (!client->ReadResponse(milliseconds(1000)).ec) ++answered;
  }
  CHECK(answered == 5);

  // Freed places are given to new connections.
  for (auto& client : clients) client->Close();
  REQUIRE(WaitUntil([&] { return server.open_connections() == 0; }));
  RawConnection late(server.port());
  REQUIRE(late.Write(PostText("/", "late")));
  REQUIRE(WaitUntil([&] { return parked_count() == 6; }));
  {
    std::lock_guard lock(mutex);
    parked.back()(Response{bhttp::status::ok, 11});
  }
  CHECK_FALSE(late.ReadResponse().ec);
}

TEST_CASE("chunk extensions and trailers are bounded", "[http][limits]") {
  std::atomic<int> requests{0};
  RecordingFailureResponder refusals;
  Server server(FastOptions(), CountingHandler(requests), refusals.Get());
  REQUIRE(server.Start().ok());
  const std::string head = "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
  RawConnection connection(server.port());
  ProtocolFailure expected = ProtocolFailure::kMalformedRequest;

  SECTION("a short extension is accepted") {
    REQUIRE(connection.Write(head + "5;name=value\r\nhello\r\n0\r\n\r\n"));
    CHECK_FALSE(connection.ReadResponse().ec);
    CHECK(requests == 1);
    return;
  }
  SECTION("a long extension is malformed") {
    REQUIRE(connection.Write(head + "5;" + std::string(300, 'a') + "\r\nhello\r\n0\r\n\r\n"));
  }
  SECTION("an endless extension is not buffered") {
    expected = ProtocolFailure::kHeaderTooLarge;
    connection.Write(head + "5;" + std::string(256 << 10, 'a'));
  }
  SECTION("endless trailers are not buffered") {
    expected = ProtocolFailure::kHeaderTooLarge;
    std::string trailers;
    for (int i = 0; i < 8000; ++i) trailers += "X-Trailer-" + std::to_string(i) + ": value\r\n";
    connection.Write(head + "5\r\nhello\r\n0\r\n" + trailers);
  }
  auto answer = connection.ReadResponse(milliseconds(2000));
  REQUIRE_FALSE(answer.ec);
  CHECK_FALSE(answer.response.keep_alive());
  CHECK(refusals.Seen() == std::vector<ProtocolFailure>{expected});
  CHECK(requests == 0);
}

TEST_CASE("one address cannot hold more than max_connections_per_address", "[http][limits]") {
  ServerOptions options = FastOptions();
  options.max_connections_per_address = 3;
  std::atomic<int> requests{0};
  Server server(options, CountingHandler(requests));
  REQUIRE(server.Start().ok());

  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(server.port()));
    REQUIRE(held.back()->Write(PostText("/", "held")));
    REQUIRE_FALSE(held.back()->ReadResponse().ec);
  }
  REQUIRE(server.open_connections() == 3);

  // The fourth from the same address is closed without being read.
  RawConnection refused(server.port());
  refused.Write(PostText("/", "one too many"));
  CHECK(refused.ReadResponse(milliseconds(1000)).ec);
  CHECK(requests.load() == 3);

  // A place freed is the address's again.
  held.front()->Close();
  REQUIRE(WaitUntil([&] { return server.open_connections() == 2; }));
  RawConnection again(server.port());
  REQUIRE(again.Write(PostText("/", "again")));
  CHECK_FALSE(again.ReadResponse().ec);
  CHECK(requests.load() == 4);
}

TEST_CASE("a client leaving mid-request leaves the server healthy", "[http][limits]") {
  std::atomic<int> requests{0};
  Server server(FastOptions(), CountingHandler(requests));
  REQUIRE(server.Start().ok());
  {
    RawConnection mid_body(server.port());
    REQUIRE(
        mid_body.Write("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n0123456789"));
    RawConnection mid_header(server.port());
    REQUIRE(mid_header.Write("POST / HTTP/1.1\r\nHost: te"));
    RawConnection mid_chunk(server.port());
    REQUIRE(mid_chunk.Write(
        "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nabc"));
    REQUIRE(WaitUntil([&] { return server.open_connections() == 3; }));
    mid_body.Close();
    mid_header.Close();
    mid_chunk.Close();
  }
  CHECK(WaitUntil([&] { return server.open_connections() == 0; }, milliseconds(1000)));
  CHECK(requests == 0);

  RawConnection after(server.port());
  REQUIRE(after.Write(PostText("/", "still here")));
  auto answer = after.ReadResponse();
  REQUIRE_FALSE(answer.ec);
  CHECK(answer.response.body() == "still here");
}

}  // namespace
}  // namespace market::http
