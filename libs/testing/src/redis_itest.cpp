#include "market/testing/redis.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdint>

namespace {

bool RedisAnswersPing() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(market::testing::RedisPort()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool pong = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    constexpr char kPing[] = "PING\r\n";
    char reply[16] = {};
    if (write(fd, kPing, sizeof(kPing) - 1) == sizeof(kPing) - 1 &&
        read(fd, reply, sizeof(reply) - 1) > 0) {
      pong = std::string(reply).rfind("+PONG", 0) == 0;
    }
  }
  close(fd);
  return pong;
}

}  // namespace

TEST_CASE("tests can take Redis down and bring it back", "[testing]") {
  REQUIRE(RedisAnswersPing());
  market::testing::StopRedis();
  CHECK_FALSE(RedisAnswersPing());
  market::testing::StartRedis();
  CHECK(RedisAnswersPing());
  market::testing::RestartRedis();
  CHECK(RedisAnswersPing());
}
