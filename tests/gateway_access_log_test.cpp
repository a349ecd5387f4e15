// The gateway's access log: one line per answer, with the same request_id key as every other
// line, the latency and the service the call was routed to.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "market/common/log.hpp"
#include "support/service_fixture.hpp"

namespace market {
namespace {

// Keeps the access lines written while it lives.
class AccessLines {
 public:
  AccessLines() {
    log::SetSink([this](std::string_view line) {
      auto parsed = boost::json::parse(line).as_object();
      if (parsed.at("msg") != "access") return;
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(parsed));
    });
  }
  ~AccessLines() { log::SetSink({}); }

  // The line for the request with `request_id`; fails the test when there is not exactly one.
  boost::json::object For(std::string_view request_id) {
    std::lock_guard lock(mutex_);
    std::vector<boost::json::object> found;
    for (const auto& line : lines_) {
      const auto* id = line.if_contains("request_id");
      if (id != nullptr && id->is_string() && id->as_string() == request_id) found.push_back(line);
    }
    REQUIRE(found.size() == 1);
    return found.front();
  }

 private:
  std::mutex mutex_;
  std::vector<boost::json::object> lines_;
};

TEST_CASE("access log lines carry request_id, latency and the upstream", "[gateway][log]") {
  // Nothing listens on port 1: the proxied call is answered unavailable, and still logged.
  auto gateway = testing::StartGateway({{"MARKET_UPSTREAM_LISTINGS", "127.0.0.1:1"}});
  AccessLines lines;

  const auto proxied =
      testing::PostJson(gateway.port(), "/market.listings.v1.ListingsService/GetProfile", "{}",
                        {{"X-Request-Id", "access-log-proxied"}});
  const auto own = testing::PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}",
                                     {{"X-Request-Id", "access-log-own"}});
  REQUIRE(proxied.result_int() == 503);
  REQUIRE(own.result_int() == 200);

  const auto proxied_line = lines.For("access-log-proxied");
  CHECK(proxied_line.if_contains("field_request_id") == nullptr);
  CHECK(proxied_line.at("method") == "POST");
  CHECK(proxied_line.at("path") == "/market.listings.v1.ListingsService/GetProfile");
  CHECK(proxied_line.at("status").to_number<int>() == 503);
  CHECK(proxied_line.at("upstream") == "listings");
  REQUIRE(proxied_line.contains("latency_us"));
  REQUIRE(proxied_line.at("latency_us").is_int64());
  CHECK(proxied_line.at("latency_us").as_int64() > 0);
  CHECK(proxied_line.at("latency_us").as_int64() < 5000000);

  const auto own_line = lines.For("access-log-own");
  CHECK(own_line.at("status").to_number<int>() == 200);
  CHECK(own_line.at("upstream") == "gateway");
  CHECK(own_line.at("latency_us").as_int64() >= 0);
}

}  // namespace
}  // namespace market
