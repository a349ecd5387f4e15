// Login sessions through the gateway: a short access token and a rotating refresh token; a
// spent refresh token presented again revokes its session, logout ends it, and a password
// change ends every session of the account.
#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "gateway_config.hpp"
#include "market/http/client.hpp"
#include "support/service_fixture.hpp"

namespace market {
namespace {

using testing::PostJson;
using namespace testing::identity_paths;

constexpr std::string_view kPassword = "correct horse battery";

std::string Email(std::string_view name) {
  return testing::UniqueEmail("session-" + std::string(name));
}

boost::json::object Json(const http::Response& response) {
  return boost::json::parse(response.body()).as_object();
}

std::string Text(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// Seconds from `start` to an RFC 3339 timestamp of the JSON encoding.
std::int64_t SecondsAfter(std::chrono::system_clock::time_point start, const std::string& when) {
  google::protobuf::Timestamp timestamp;
  REQUIRE(google::protobuf::util::TimeUtil::FromString(when, &timestamp));
  return timestamp.seconds() -
         std::chrono::duration_cast<std::chrono::seconds>(start.time_since_epoch()).count();
}

struct Session {
  std::string access_token;
  std::string refresh_token;
};

Session SessionOf(const http::Response& response) {
  REQUIRE(response.result_int() == 200);
  const auto body = Json(response);
  return Session{Text(body, "accessToken"), Text(body, "refreshToken")};
}

std::string RefreshBody(const std::string& refresh_token) {
  return R"({"refreshToken":")" + refresh_token + R"("})";
}

void Register(std::uint16_t port, const std::string& email) {
  const auto reply =
      PostJson(port, kRegister,
               R"({"email":")" + email + R"(","password":")" + std::string(kPassword) +
                   R"(","displayName":"Session Tester","country":"DE",)"
                   R"("roles":["ROLE_CLIENT"],"preferredCurrency":"EUR"})");
  REQUIRE(reply.result_int() == 200);
}

Session Login(std::uint16_t port, const std::string& email, std::string_view password = kPassword) {
  return SessionOf(
      PostJson(port, kLogin,
               R"({"email":")" + email + R"(","password":")" + std::string(password) + R"("})"));
}

int RefreshStatus(std::uint16_t port, const std::string& refresh_token) {
  return PostJson(port, kRefresh, RefreshBody(refresh_token)).result_int();
}

int MeStatus(std::uint16_t port, const std::string& access_token) {
  return PostJson(port, kMe, "{}", {{"Authorization", "Bearer " + access_token}}).result_int();
}

TEST_CASE("login returns a short access token and a refresh token that rotates",
          "[gateway][sessions]") {
  auto gateway = testing::StartGateway({{"MARKET_ACCESS_TOKEN_LIFETIME_S", "120"}});
  Register(gateway.port(), Email("rotate"));
  const auto before = std::chrono::system_clock::now();
  const auto login = PostJson(
      gateway.port(), kLogin,
      R"({"email":")" + Email("rotate") + R"(","password":")" + std::string(kPassword) + R"("})");
  const Session first = SessionOf(login);
  CHECK_FALSE(first.access_token.empty());
  CHECK(first.refresh_token.size() == 43);  // 32 random bytes, base64url

  // The access token lives MARKET_ACCESS_TOKEN_LIFETIME_S, the refresh token 30 days.
  const auto body = Json(login);
  CHECK(SecondsAfter(before, Text(body, "expiresAt")) >= 119);
  CHECK(SecondsAfter(before, Text(body, "expiresAt")) <= 125);
  CHECK(SecondsAfter(before, Text(body, "refreshExpiresAt")) >= 30 * 24 * 3600 - 1);
  CHECK(SecondsAfter(before, Text(body, "refreshExpiresAt")) <= 30 * 24 * 3600 + 5);

  const auto refreshed = PostJson(gateway.port(), kRefresh, RefreshBody(first.refresh_token));
  const Session second = SessionOf(refreshed);
  CHECK(second.refresh_token != first.refresh_token);
  CHECK_FALSE(second.access_token.empty());
  CHECK(MeStatus(gateway.port(), second.access_token) == 200);
  CHECK(RefreshStatus(gateway.port(), second.refresh_token) == 200);
}

TEST_CASE("a spent refresh token presented again revokes its whole session",
          "[gateway][sessions]") {
  auto gateway = testing::StartGateway();
  Register(gateway.port(), Email("reuse"));
  const Session stolen = Login(gateway.port(), Email("reuse"));
  const Session other_device = Login(gateway.port(), Email("reuse"));
  const Session rotated =
      SessionOf(PostJson(gateway.port(), kRefresh, RefreshBody(stolen.refresh_token)));

  // The thief replays the token the owner already traded in.
  const auto replay = PostJson(gateway.port(), kRefresh, RefreshBody(stolen.refresh_token));
  CHECK(replay.result_int() == 401);
  CHECK(Text(Json(replay), "code") == "unauthenticated");
  CHECK(Text(Json(replay), "message") == "refresh_token: is not valid");
  // The whole family is gone, including the token rotated from it...
  CHECK(RefreshStatus(gateway.port(), rotated.refresh_token) == 401);
  // ...but another login's session is not.
  CHECK(RefreshStatus(gateway.port(), other_device.refresh_token) == 200);
}

TEST_CASE("of two concurrent refreshes of one token exactly one succeeds", "[gateway][sessions]") {
  auto gateway = testing::StartGateway();
  Register(gateway.port(), Email("race"));
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    const Session session = Login(gateway.port(), Email("race"));
    // Catch's assertions are not thread-safe: the threads only record what they got.
    int statuses[2] = {0, 0};
    std::atomic<int> ready{0};
    const auto refresh = [&](int slot) {
      http::Client client;
      http::Request request(boost::beast::http::verb::post, std::string(kRefresh), 11);
      request.set(boost::beast::http::field::host, "127.0.0.1");
      request.set(boost::beast::http::field::content_type, "application/json");
      request.body() = RefreshBody(session.refresh_token);
      request.prepare_payload();
      ++ready;
      while (ready < 2) std::this_thread::yield();
      auto response =
          client.Send(http::Endpoint{"127.0.0.1", gateway.port()}, std::move(request),
                      std::chrono::steady_clock::now() + std::chrono::seconds(10), false);
      statuses[slot] = response.ok() ? response->result_int() : -1;
    };
    std::thread first(refresh, 0);
    std::thread second(refresh, 1);
    first.join();
    second.join();
    std::sort(std::begin(statuses), std::end(statuses));
    CHECK(statuses[0] == 200);
    CHECK(statuses[1] == 401);
  }
}

TEST_CASE("logout ends the session of its refresh token", "[gateway][sessions]") {
  auto gateway = testing::StartGateway();
  Register(gateway.port(), Email("logout"));
  const Session session = Login(gateway.port(), Email("logout"));
  const Session kept = Login(gateway.port(), Email("logout"));
  CHECK(PostJson(gateway.port(), kLogout, RefreshBody(session.refresh_token)).result_int() == 200);
  CHECK(RefreshStatus(gateway.port(), session.refresh_token) == 401);
  // Logging out twice is harmless; other sessions go on.
  CHECK(PostJson(gateway.port(), kLogout, RefreshBody(session.refresh_token)).result_int() == 200);
  CHECK(RefreshStatus(gateway.port(), kept.refresh_token) == 200);

  const auto unknown =
      PostJson(gateway.port(), kLogout, RefreshBody("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  CHECK(unknown.result_int() == 401);
  const auto empty = PostJson(gateway.port(), kLogout, R"({"refreshToken":""})");
  CHECK(empty.result_int() == 400);
  CHECK(Text(Json(empty), "message") == "refresh_token: must not be empty");
  CHECK(PostJson(gateway.port(), kRefresh, R"({"refreshToken":"not a token"})").result_int() ==
        401);
}

TEST_CASE("changing the password revokes every refresh token of the account",
          "[gateway][sessions]") {
  auto gateway = testing::StartGateway();
  Register(gateway.port(), Email("change"));
  const Session laptop = Login(gateway.port(), Email("change"));
  const Session phone = Login(gateway.port(), Email("change"));
  const auto changed = PostJson(gateway.port(), kChangePassword,
                                R"({"currentPassword":")" + std::string(kPassword) +
                                    R"(","newPassword":"a brand new secret"})",
                                {{"Authorization", "Bearer " + laptop.access_token}});
  REQUIRE(changed.result_int() == 200);
  CHECK(RefreshStatus(gateway.port(), laptop.refresh_token) == 401);
  CHECK(RefreshStatus(gateway.port(), phone.refresh_token) == 401);
  const Session fresh = Login(gateway.port(), Email("change"), "a brand new secret");
  CHECK(RefreshStatus(gateway.port(), fresh.refresh_token) == 200);
}

TEST_CASE("the retired MARKET_TOKEN_LIFETIME_S is refused, naming what replaced it",
          "[gateway][sessions]") {
  config::Env env(std::map<std::string, std::string>{{"MARKET_TOKEN_LIFETIME_S", "3600"}});
  const auto config = gateway::LoadGatewayConfig(env);
  REQUIRE_FALSE(config.ok());
  CHECK_THAT(config.status().message(),
             Catch::Contains("MARKET_TOKEN_LIFETIME_S: is retired; access tokens are short-lived "
                             "now: set MARKET_ACCESS_TOKEN_LIFETIME_S"));
}

}  // namespace
}  // namespace market
