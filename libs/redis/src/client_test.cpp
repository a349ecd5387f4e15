#include "market/redis/client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <catch2/catch.hpp>

namespace {

using market::StatusCode;
using market::redis::Client;
using market::redis::IsErrorReply;
using market::redis::Options;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A loopback TCP socket that never answers: bound only (connections are refused) or listening
// without ever accepting or replying (connections succeed, replies never come).
class SilentSocket {
 public:
  explicit SilentSocket(bool listening) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("bind");
    }
    if (listening && listen(fd_, 16) != 0) throw std::runtime_error("listen");
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentSocket() { close(fd_); }
  SilentSocket(const SilentSocket&) = delete;
  SilentSocket& operator=(const SilentSocket&) = delete;

  int port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  int port_ = 0;
};

// A loopback server that answers every read with the same bytes, on one connection.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::string answer)
      : listener_(/*listening=*/true), answer_(std::move(answer)) {
    thread_ = std::thread([this] {
      const int connection = accept(listener_.fd(), nullptr, nullptr);
      if (connection < 0) return;
      char buffer[4096];
      while (read(connection, buffer, sizeof(buffer)) > 0) {
        if (write(connection, answer_.data(), answer_.size()) < 0) break;
      }
      close(connection);
    });
  }
  ~ScriptedServer() {
    shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }

  int port() const { return listener_.port(); }

 private:
  SilentSocket listener_;
  std::string answer_;
  std::thread thread_;
};

long long ElapsedMs(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

}  // namespace

TEST_CASE("a refused connection is unavailable, and calls in the retry window do not reconnect",
          "[redis]") {
  SilentSocket refusing(/*listening=*/false);
  Options options;
  options.port = refusing.port();
  options.retry_after = milliseconds(300);
  Client client(options);
  CHECK(client.Healthy());

  auto refused = client.Command({"PING"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(client.Healthy());

  auto fast = client.Command({"PING"});
  CHECK(fast.status().code() == StatusCode::kUnavailable);
  CHECK(fast.status().message().find("recent failure") != std::string::npos);

  std::this_thread::sleep_for(milliseconds(350));
  CHECK(client.Healthy());
  auto again = client.Command({"PING"});  // a real attempt once the window has passed
  CHECK(again.status().code() == StatusCode::kUnavailable);
  CHECK(again.status().message().find("cannot connect") != std::string::npos);
}

TEST_CASE("a server that never replies costs one command timeout, then calls fail fast",
          "[redis]") {
  SilentSocket silent(/*listening=*/true);
  Options options;
  options.port = silent.port();
  options.command_timeout = milliseconds(150);
  Client client(options);

  const auto started = Clock::now();
  auto stalled = client.Command({"GET", "key"});
  const auto elapsed = ElapsedMs(started);
  REQUIRE_FALSE(stalled.ok());
  CHECK(stalled.status().code() == StatusCode::kUnavailable);
  CHECK(elapsed >= 100);
  CHECK(elapsed < 1000);

  const auto again = Clock::now();
  CHECK(client.Pipeline({{"GET", "a"}, {"GET", "b"}}).status().code() == StatusCode::kUnavailable);
  CHECK(ElapsedMs(again) < 50);
}

TEST_CASE("a server still loading its data is unavailable, not an error reply", "[redis]") {
  ScriptedServer loading("-LOADING Redis is loading the dataset in memory\r\n");
  Options options;
  options.port = loading.port();
  Client client(options);
  auto reply = client.Command({"GET", "key"});
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(client.Healthy());
}

TEST_CASE("an empty command is rejected before it reaches Redis", "[redis]") {
  SilentSocket refusing(/*listening=*/false);
  Options options;
  options.port = refusing.port();
  Client client(options);
  CHECK(client.Command({}).status().code() == StatusCode::kInvalidArgument);
  CHECK(client.Pipeline({{"PING"}, {}}).status().code() == StatusCode::kInvalidArgument);
  auto nothing = client.Pipeline({});
  REQUIRE(nothing.ok());
  CHECK(nothing->empty());
  CHECK(client.Healthy());  // no connection was attempted
}

TEST_CASE("IsErrorReply matches the kind of a Redis error reply exactly", "[redis]") {
  const market::Status wrong_type =
      market::FailedPreconditionError("redis: WRONGTYPE Operation against a key");
  CHECK(IsErrorReply(wrong_type, "WRONGTYPE"));
  CHECK_FALSE(IsErrorReply(wrong_type, "WRONG"));
  CHECK_FALSE(IsErrorReply(wrong_type, "NOGROUP"));
  CHECK(IsErrorReply(market::FailedPreconditionError("redis: BUSYGROUP"), "BUSYGROUP"));
  // Same text, but not an error reply: a transport failure or another layer's precondition.
  CHECK_FALSE(IsErrorReply(market::UnavailableError("redis: NOGROUP x"), "NOGROUP"));
  CHECK_FALSE(IsErrorReply(market::FailedPreconditionError("NOGROUP x"), "NOGROUP"));
  CHECK_FALSE(IsErrorReply(market::OkStatus(), "NOGROUP"));
}
