#include "market/pg/pool.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <stdexcept>

namespace {

// A loopback port nobody listens on: bound, read back, then released.
int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("acquiring from a pool whose server is down reports unavailable", "[pg]") {
  market::pg::Pool pool({.dsn = "host=127.0.0.1 port=" + std::to_string(UnusedPort()) +
                                " user=nobody password=wrong dbname=none",
                         .max_connections = 2});
  for (int i = 0; i < 3; ++i) {
    auto connection = pool.Acquire();
    REQUIRE_FALSE(connection.ok());
    CHECK(connection.status().code() == market::StatusCode::kUnavailable);
    CHECK(connection.status().message().find("nobody") == std::string::npos);
  }
  CHECK(pool.Ping().code() == market::StatusCode::kUnavailable);
  const market::pg::PoolStats stats = pool.Stats();
  // Failed attempts give their slot back: the pool is not left believing it is full.
  CHECK(stats.in_use == 0);
  CHECK(stats.created == 0);
  CHECK(stats.connect_failures == 4);
}

TEST_CASE("pool options are validated before use", "[pg]") {
  CHECK(market::pg::Pool::ValidateOptions({.dsn = "host=db"}).ok());
  CHECK(market::pg::Pool::ValidateOptions({.dsn = "host=db", .max_connections = 0}).code() ==
        market::StatusCode::kInvalidArgument);
  CHECK(market::pg::Pool::ValidateOptions({.dsn = "host='open"}).code() ==
        market::StatusCode::kInvalidArgument);
  CHECK_THROWS_AS(market::pg::Pool({.dsn = "host='open"}), std::invalid_argument);
  // 0 would mean no limit to PostgreSQL.
  const auto no_limit = market::pg::Pool::ValidateOptions(
      {.dsn = "host=db", .statement_timeout = std::chrono::milliseconds(0)});
  CHECK(no_limit.code() == market::StatusCode::kInvalidArgument);
  CHECK(no_limit.message() == "database statement_timeout: must be positive");
}
