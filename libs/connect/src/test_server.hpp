// What the connect library's wire tests share: a server with the health method and the test-only
// EchoService wired to handlers whose behaviour the request picks, and a plain socket client that
// sends exactly the bytes a test wants.
//
//   market::connect::testing::TestServer server;
//   auto response = market::connect::testing::Exchange(
//       server.port(), Post("/grpc.health.v1.Health/Check", "application/json", "{}"));
//   CHECK(response.result_int() == 200);
//
// Health Check request.service() selects the behaviour: "" answers SERVING, "slow:<ms>" sleeps
// first, "throw" throws, "missing" answers not_found, "invalid" answers invalid_argument with two
// field violations and an ErrorInfo. Echo and Lookup echo their request, sleep
// sleep_ms first, and report the request id, authorization and remaining deadline they saw.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "echo_test.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"

namespace market::connect::testing {

inline constexpr std::string_view kCheckPath = "/grpc.health.v1.Health/Check";
inline constexpr std::string_view kEchoPath = "/market.connecttest.v1.EchoService/Echo";
inline constexpr std::string_view kLookupPath = "/market.connecttest.v1.EchoService/Lookup";
inline constexpr std::string_view kThrownText = "password=hunter2 in table accounts";

// What the handlers and the call observer saw.
struct Probe {
  std::atomic<int> handler_calls{0};
  std::atomic<int> handler_finished{0};
  std::mutex mutex;
  std::vector<std::pair<std::string, StatusCode>> finished;  // from OnCallFinished

  std::vector<std::pair<std::string, StatusCode>> Finished() {
    std::lock_guard lock(mutex);
    return finished;
  }
};

std::shared_ptr<Router> MakeTestRouter(std::shared_ptr<Probe> probe);

class TestServer {
 public:
  // Small limits so the limit tests are quick: 64 KiB bodies, 4 KiB headers, 1 s to read a
  // request, 2 workers.
  static ServerOptions DefaultOptions();

  // `before_start` may set hooks, which must be in place before the server starts.
  // `shape_router` may change the router before the server takes it (RunInline).
  explicit TestServer(ServerOptions options = DefaultOptions(),
                      const std::function<void(Server&)>& before_start = {},
                      const std::function<void(Router&)>& shape_router = {});
  ~TestServer();

  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  Probe& probe() { return *probe_; }

 private:
  std::shared_ptr<Probe> probe_;
  std::unique_ptr<Server> server_;
};

http::Request Post(std::string_view path, std::string_view content_type, std::string body);
http::Request Get(std::string_view target);

// The bytes of `request` on the wire, with Host and Content-Length set.
std::string WireBytes(http::Request request, std::uint16_t port);

// Sends one request on a fresh connection and reads the answer (Host and Content-Length are set
// here). Fails the test when no answer comes within 10 s.
http::Response Exchange(std::uint16_t port, http::Request request);

// A blocking connection for tests that need to misbehave on the wire.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  void Write(std::string_view bytes);
  // Reads one response; throws when the connection closes or nothing comes within `timeout`.
  http::Response ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the server closes the connection; returns what came and whether it closed
  // within `timeout`.
  std::pair<std::string, bool> ReadUntilClosed(std::chrono::milliseconds timeout);
  void Close();

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffered_;
};

std::string Serialize(const google::protobuf::Message& message);
std::string PercentEncode(std::string_view text);
std::string Base64Url(std::string_view bytes, bool padded);
// The header value, "" when absent.
std::string HeaderOf(const http::Response& response, std::string_view name);

}  // namespace market::connect::testing
