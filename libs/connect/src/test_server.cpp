#include "test_server.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "market/common/base64url.hpp"
#include "market/connect/error_details.hpp"

namespace market::connect::testing {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;

Status Echo(Probe& probe, const CallContext& ctx, const EchoRequest& request,
            EchoResponse& response) {
  ++probe.handler_calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(request.sleep_ms()));
  response.set_echo_text(request.echo_text());
  response.set_repeat_count(request.repeat_count());
  response.set_request_id(ctx.request_id);
  response.set_authorization(ctx.authorization);
  response.set_peer(ctx.peer);
  response.set_remaining_ms(ctx.deadline == std::chrono::steady_clock::time_point::max()
                                ? -1
                                : std::chrono::duration_cast<std::chrono::milliseconds>(
                                      ctx.deadline - std::chrono::steady_clock::now())
                                      .count());
  ++probe.handler_finished;
  return OkStatus();
}

Status InvalidServiceName() {
  FieldViolations violations;
  violations.Add("service", "must not be \"invalid\"");
  violations.Add("service", "must name a registered service");
  return violations.ToStatus().WithDetail(ErrorInfo("INVALID_SERVICE", "connecttest.market"));
}

}  // namespace

std::shared_ptr<Router> MakeTestRouter(std::shared_ptr<Probe> probe) {
  auto router = std::make_shared<Router>();
  router->Add<HealthCheckRequest, HealthCheckResponse>(
      "grpc.health.v1.Health", "Check", market::connect::Access::Public(),
      [probe](const CallContext&, const HealthCheckRequest& request,
              HealthCheckResponse& response) -> Status {
        ++probe->handler_calls;
        const std::string& service = request.service();
        if (service.rfind("slow:", 0) == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(service.substr(5))));
        } else if (service == "throw") {
          throw std::runtime_error(std::string(kThrownText));
        } else if (service == "missing") {
          ++probe->handler_finished;
          return NotFoundError("service: no service named \"missing\"");
        } else if (service == "invalid") {
          ++probe->handler_finished;
          return InvalidServiceName();
        }
        response.set_status(HealthCheckResponse::SERVING);
        ++probe->handler_finished;
        return OkStatus();
      });
  auto echo = [probe](const CallContext& ctx, const EchoRequest& request, EchoResponse& response) {
    return Echo(*probe, ctx, request, response);
  };
  router->Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Echo",
                                         market::connect::Access::Public(), echo);
  router->Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Lookup",
                                         market::connect::Access::Public(), echo);
  return router;
}

ServerOptions TestServer::DefaultOptions() {
  ServerOptions options;
  options.http.max_body_bytes = 64 << 10;
  options.http.max_header_bytes = 4 << 10;
  options.http.read_timeout = std::chrono::milliseconds(1000);
  options.http.drain_timeout = std::chrono::milliseconds(5000);
  options.worker_threads = 2;
  options.max_queued_calls = 64;
  return options;
}

TestServer::TestServer(ServerOptions options, const std::function<void(Server&)>& before_start,
                       const std::function<void(Router&)>& shape_router)
    : probe_(std::make_shared<Probe>()) {
  auto router = MakeTestRouter(probe_);
  if (shape_router) shape_router(*router);
  server_ = std::make_unique<Server>(std::move(options), std::move(router));
  server_->AddHttpRoute("GET", "/healthz", [](const http::Request& request) {
    http::Response response(beast_http::status::ok, request.version());
    response.set(beast_http::field::content_type, "text/plain");
    response.body() = "ok\n";
    return response;
  });
  server_->OnCallFinished([probe = probe_](std::string_view procedure, StatusCode code, double) {
    std::lock_guard lock(probe->mutex);
    probe->finished.emplace_back(std::string(procedure), code);
  });
  if (before_start) before_start(*server_);
  if (const Status started = server_->Start(); !started.ok()) {
    throw std::runtime_error("test server did not start: " + started.ToString());
  }
}

TestServer::~TestServer() { server_->Shutdown(); }

http::Request Post(std::string_view path, std::string_view content_type, std::string body) {
  http::Request request(beast_http::verb::post, path, 11);
  if (!content_type.empty()) request.set(beast_http::field::content_type, content_type);
  request.body() = std::move(body);
  return request;
}

http::Request Get(std::string_view target) {
  return http::Request(beast_http::verb::get, target, 11);
}

std::string WireBytes(http::Request request, std::uint16_t port) {
  request.set(beast_http::field::host, "127.0.0.1:" + std::to_string(port));
  request.prepare_payload();
  std::ostringstream bytes;
  bytes << request;
  return bytes.str();
}

http::Response Exchange(std::uint16_t port, http::Request request) {
  RawConnection connection(port);
  connection.Write(WireBytes(std::move(request), port));
  return connection.ReadResponse();
}

RawConnection::RawConnection(std::uint16_t port) : socket_(io_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
}

void RawConnection::Write(std::string_view bytes) {
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
}

namespace {

// Waits for bytes or a close; false on timeout. Plain poll(): blocking asio reads ignore
// socket timeouts.
bool AwaitReadable(int fd, std::chrono::steady_clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd descriptor{fd, POLLIN, 0};
  return ::poll(&descriptor, 1, static_cast<int>(left.count())) > 0;
}

}  // namespace

http::Response RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  for (;;) {
    while (!buffered_.empty()) {
      boost::beast::error_code ec;
      const std::size_t used = parser.put(asio::buffer(buffered_), ec);
      buffered_.erase(0, used);
      if (ec && ec != beast_http::error::need_more) {
        throw std::runtime_error("malformed response: " + ec.message());
      }
      if (parser.is_done()) return parser.release();
      if (used == 0) break;
    }
    if (!AwaitReadable(socket_.native_handle(), until)) {
      throw std::runtime_error("no response in time");
    }
    char chunk[4096];
    boost::beast::error_code ec;
    const std::size_t got = socket_.read_some(asio::buffer(chunk), ec);
    if (ec) {
      parser.put_eof(ec);
      if (!ec && parser.is_done()) return parser.release();
      throw std::runtime_error("connection closed before a complete response");
    }
    buffered_.append(chunk, got);
  }
}

std::pair<std::string, bool> RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::string received = std::move(buffered_);
  buffered_.clear();
  for (;;) {
    if (!AwaitReadable(socket_.native_handle(), until)) return {received, false};
    char chunk[4096];
    boost::beast::error_code ec;
    const std::size_t got = socket_.read_some(asio::buffer(chunk), ec);
    if (ec) return {received, true};
    received.append(chunk, got);
  }
}

void RawConnection::Close() {
  boost::beast::error_code ignored;
  socket_.close(ignored);
}

std::string Serialize(const google::protobuf::Message& message) {
  std::string out;
  message.SerializeToString(&out);
  return out;
}

std::string PercentEncode(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

std::string Base64Url(std::string_view bytes, bool padded) {
  std::string text = Base64UrlEncode(bytes);
  if (padded) text.append((4 - text.size() % 4) % 4, '=');
  return text;
}

std::string HeaderOf(const http::Response& response, std::string_view name) {
  const auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

}  // namespace market::connect::testing
