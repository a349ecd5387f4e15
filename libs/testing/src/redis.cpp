#include "market/testing/redis.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "environment.hpp"

extern char** environ;

namespace market::testing {
namespace {

constexpr std::chrono::seconds kReadyTimeout{15};

std::string RoleName(RedisRole role) { return role == RedisRole::kCache ? "cache" : "events"; }

// Runs the infra script directly (no shell, so paths need no quoting) and waits for it.
void RunInfra(const std::string& command, RedisRole role, bool with_port) {
  std::vector<std::string> args{internal::RequireEnv("MARKET_TEST_INFRA"), command,
                                internal::RequireEnv("MARKET_TEST_STATE_DIR")};
  if (with_port) args.push_back(std::to_string(RedisPort(role)));
  args.push_back(RoleName(role));
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("could not run " + args[0]);
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("lost track of " + args[0]);
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    throw std::runtime_error(args[0] + " " + command + " failed");
  }
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected =
      connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

void WaitUntil(RedisRole role, bool accepting) {
  const int port = RedisPort(role);
  const auto give_up = std::chrono::steady_clock::now() + kReadyTimeout;
  while (Accepts(port) != accepting) {
    if (std::chrono::steady_clock::now() > give_up) {
      throw std::runtime_error("redis on port " + std::to_string(port) +
                               (accepting ? " did not start" : " did not stop"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int RedisPort(RedisRole role) {
  const char* name =
      role == RedisRole::kCache ? "MARKET_TEST_REDIS_CACHE_PORT" : "MARKET_TEST_REDIS_PORT";
  const std::string value = internal::RequireEnv(name);
  try {
    return std::stoi(value);
  } catch (const std::exception&) {
    throw std::runtime_error(std::string(name) + " is not a port number");
  }
}

void StopRedis(RedisRole role) {
  RunInfra("redis-stop", role, false);
  WaitUntil(role, false);
}

void StartRedis(RedisRole role) {
  RunInfra("redis-start", role, true);
  WaitUntil(role, true);
}

void RestartRedis(RedisRole role) {
  RunInfra("redis-restart", role, true);
  WaitUntil(role, true);
}

}  // namespace market::testing
