// The gateway as the single public entry: it routes each package to its service and passes
// the caller's token on (the service decides), survives a service going away, limits rates,
// keeps serving without Redis, and lets allowed browser origins in.
#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <random>
#include <thread>

#include "listings_app.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/common/base64url.hpp"
#include "market/connect/error.hpp"
#include "market/connect/error_details.hpp"
#include "market/http/server.hpp"
#include "market/redis/client.hpp"
#include "market/testing/redis.hpp"
#include "market/testing/token_keys.hpp"
#include "support/service_fixture.hpp"

namespace market {
namespace {

namespace beast_http = boost::beast::http;
using testing::PostJson;
using namespace testing::identity_paths;

constexpr std::string_view kUpsertProfile = "/market.listings.v1.ListingsService/UpsertMyProfile";
constexpr std::string_view kGetProfile = "/market.listings.v1.ListingsService/GetProfile";
constexpr std::string_view kProfile =
    R"({"headline":"Rust and C++ systems","overview":"Low-latency services.","skills":["c++"],)"
    R"("languages":["en"],"timezone":"Europe/Berlin",)"
    R"("hourlyRate":{"currency":"EUR","minorUnits":"9000"},"weeklyAvailabilityHours":30})";

constexpr std::string_view kFreelancerId = "5a1e9c1e-0000-4000-8000-00000000f001";

testing::StartedService StartListings(const testing::EnvOverrides& env = {},
                                      std::optional<testing::TestDatabase> database = {}) {
  return testing::StartService(listings::kIdentity, migrations::listings(),
                               std::make_unique<listings::ListingsApp>(), env, std::move(database));
}

std::string FreelancerToken() {
  auth::Principal freelancer;
  freelancer.subject = std::string(kFreelancerId);
  freelancer.roles = {auth::Role::kFreelancer};
  freelancer.country = "PL";
  freelancer.expires_at = std::chrono::system_clock::now() + std::chrono::hours(1);
  return testing::BearerFor(freelancer);
}

std::string Code(const http::Response& response) {
  const auto parsed = boost::json::parse(response.body());
  const auto* code = parsed.as_object().if_contains("code");
  return code ? std::string(code->as_string()) : std::string();
}

// The Status a Connect client reads from a reply, details included.
Status StatusOf(const http::Response& response) {
  return connect::StatusFromErrorResponse(
      response.result_int(), response[beast_http::field::content_type], response.body());
}

// A 429 says when to retry three ways that agree: the Retry-After header in whole seconds
// (rounded up), the message in milliseconds, and a google.rpc.RetryInfo detail.
void CheckRetryInformation(const http::Response& limited, std::chrono::milliseconds at_most) {
  CHECK(limited.result_int() == 429);
  const Status status = StatusOf(limited);
  CHECK(status.code() == StatusCode::kResourceExhausted);
  const auto delay = connect::RetryDelayOf(status);
  REQUIRE(delay.has_value());
  CHECK(delay->count() > 0);
  CHECK(*delay <= at_most);
  CHECK(status.message() ==
        "rate limit exceeded; retry in " + std::to_string(delay->count()) + " ms");
  CHECK(limited[beast_http::field::retry_after] == std::to_string((delay->count() + 999) / 1000));
}

void ClearRateBuckets() {
  redis::Options options;
  options.port = testing::RedisPort(testing::RedisRole::kCache);
  redis::Client redis(options);
  (void)redis.Command({"DEL", "market:gateway:rate:address:127.0.0.1"});
}

TEST_CASE("a call with Expect: 100-continue gets its service's final answer through the gateway",
          "[gateway][routing]") {
  auto listings = StartListings();
  auto gateway = testing::StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings.address()}});
  // A 64 KiB profile overview is over the field's limit: the service's own refusal must come
  // back, not an interim answer (the gateway's server sends one; the service must not add one).
  const std::string body = R"({"headline":"Big","overview":")" + std::string(64 << 10, 'x') +
                           R"(","skills":["c++"],"languages":["en"],"timezone":"Europe/Berlin"})";
  const auto answer = PostJson(gateway.port(), kUpsertProfile, body,
                               {{"Authorization", FreelancerToken()}, {"Expect", "100-continue"}});
  CHECK(answer.result_int() == 400);
  CHECK(Code(answer) == "invalid_argument");
  ClearRateBuckets();
}

TEST_CASE("the gateway routes each package to its service, which checks the token itself",
          "[gateway][routing]") {
  auto listings = StartListings();
  auto gateway = testing::StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings.address()}});
  const std::map<std::string, std::string> auth{{"Authorization", FreelancerToken()}};

  const auto upserted = PostJson(gateway.port(), kUpsertProfile, kProfile, auth);
  INFO(upserted.body());
  REQUIRE(upserted.result_int() == 200);
  CHECK(upserted[beast_http::field::content_type] == "application/json");

  const std::string get_body = R"({"freelancerId":")" + std::string(kFreelancerId) + R"("})";
  const auto fetched = PostJson(gateway.port(), kGetProfile, get_body, auth);
  REQUIRE(fetched.result_int() == 200);
  CHECK(fetched.body().find("Rust and C++ systems") != std::string::npos);

  // The service, not the gateway, refuses: the same answer as when called directly.
  const auto anonymous = PostJson(gateway.port(), kUpsertProfile, kProfile);
  const auto direct = PostJson(listings.port(), kUpsertProfile, kProfile);
  CHECK(anonymous.result_int() == 401);
  CHECK(Code(anonymous) == "unauthenticated");
  CHECK(anonymous.body() == direct.body());

  const auto unknown = PostJson(gateway.port(), "/market.nothing.v1.NothingService/Do", "{}");
  CHECK(unknown.result_int() == 404);
}

// Registers an account through `gateway` and logs it in; returns the access token.
std::string SignedUpFreelancer(std::uint16_t gateway, const std::string& email) {
  const auto registered =
      PostJson(gateway, "/market.identity.v1.IdentityService/Register",
               R"({"email":")" + email +
                   R"(","password":"rotation password","displayName":"Rota","country":"PL",)"
                   R"("roles":["ROLE_FREELANCER"],"preferredCurrency":"PLN"})");
  REQUIRE(registered.result_int() == 200);
  const auto login = PostJson(gateway, "/market.identity.v1.IdentityService/Login",
                              R"({"email":")" + email + R"(","password":"rotation password"})");
  REQUIRE(login.result_int() == 200);
  return std::string(boost::json::parse(login.body()).at("accessToken").as_string());
}

std::string KidOf(const std::string& token) {
  const auto header = Base64UrlDecode(token.substr(0, token.find('.')));
  REQUIRE(header.has_value());
  return std::string(boost::json::parse(*header).at("kid").as_string());
}

TEST_CASE("the users key rotates without downtime: old tokens stay valid, new ones use the new key",
          "[gateway][tokens]") {
  const testing::TestTokenKeys keys({"users-next", "listings"});
  const auto with_upstream = [](std::map<std::string, std::string> env, const std::string& to) {
    env["MARKET_UPSTREAM_LISTINGS"] = to;
    return env;
  };
  // Every verifier already knows both users keys; the gateway signs with the old one, then a
  // gateway started with the new one takes over.
  auto listings = StartListings(keys.EnvFor("listings"));
  auto old_gateway = testing::StartGateway(with_upstream(keys.EnvFor("users"), listings.address()));
  const std::string run = std::to_string(std::random_device{}());
  const std::string old_token =
      SignedUpFreelancer(old_gateway.port(), "rota-old." + run + "@example.com");
  auto new_gateway =
      testing::StartGateway(with_upstream(keys.EnvFor("users-next"), listings.address()));
  const std::string new_token =
      SignedUpFreelancer(new_gateway.port(), "rota-new." + run + "@example.com");
  CHECK(KidOf(old_token) == "test-users");
  CHECK(KidOf(new_token) == "test-users-next");
  for (const auto* token : {&old_token, &new_token}) {
    CHECK(PostJson(new_gateway.port(), kUpsertProfile, kProfile,
                   {{"Authorization", "Bearer " + *token}})
              .result_int() == 200);
  }

  // Once the old key's tokens have expired, it leaves the verify keys: what it signed is refused.
  const std::string dir = keys.dir().string();
  auto listings_after =
      StartListings({{"MARKET_TOKEN_SIGNING_KEY", dir + "/listings.pem"},
                     {"MARKET_TOKEN_SIGNING_KID", "test-service-listings"},
                     {"MARKET_TOKEN_VERIFY_KEYS",
                      "test-users-next:users:" + dir + "/users-next.pub," +
                          "test-service-listings:service=listings:" + dir + "/listings.pub"}});
  const auto refused = PostJson(listings_after.port(), kUpsertProfile, kProfile,
                                {{"Authorization", "Bearer " + old_token}});
  CHECK(refused.result_int() == 401);
  CHECK(PostJson(listings_after.port(), kUpsertProfile, kProfile,
                 {{"Authorization", "Bearer " + new_token}})
            .result_int() == 200);
}

TEST_CASE("a service's error details reach the caller through the gateway unchanged",
          "[gateway][routing]") {
  auto listings = StartListings();
  auto gateway = testing::StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings.address()}});
  const std::map<std::string, std::string> auth{{"Authorization", FreelancerToken()}};
  const std::string bad_profile =
      R"({"headline":"","skills":["c++"],"languages":["en"],"timezone":"Mars/Olympus Mons",)"
      R"("hourlyRate":{"currency":"EUR","minorUnits":"9000"},"weeklyAvailabilityHours":99})";

  const auto routed = PostJson(gateway.port(), kUpsertProfile, bad_profile, auth);
  const auto direct = PostJson(listings.port(), kUpsertProfile, bad_profile, auth);
  CHECK(routed.result_int() == 400);
  CHECK(routed.body() == direct.body());
  std::vector<std::string> fields;
  for (const auto& violation : connect::FieldViolationsOf(StatusOf(routed))) {
    fields.push_back(violation.field);
  }
  CHECK(fields == std::vector<std::string>{"headline", "timezone", "weekly_availability_hours"});
}

TEST_CASE("a service that goes away is unavailable at once and served again on its return",
          "[gateway][routing]") {
  auto listings = std::make_unique<testing::StartedService>(StartListings());
  const std::uint16_t listings_port = listings->port();
  const testing::TestDatabase database = listings->database();
  // Limits out of the way: the caller below spins on quick 503s while listings is down.
  auto gateway = testing::StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings->address()},
                                        {"MARKET_RATE_ADDRESS_BURST", "100000"},
                                        {"MARKET_RATE_ADDRESS_PER_SECOND", "100000"},
                                        {"MARKET_RATE_ACCOUNT_BURST", "100000"},
                                        {"MARKET_RATE_ACCOUNT_PER_SECOND", "100000"}});
  const std::string get_body = R"({"freelancerId":")" + std::string(kFreelancerId) + R"("})";
  const std::map<std::string, std::string> auth{{"Authorization", FreelancerToken()}};
  REQUIRE(PostJson(gateway.port(), kUpsertProfile, kProfile, auth).result_int() == 200);

  // Calls keep arriving while the service goes away and comes back.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::thread caller([&] {
    while (!stop) {
      const auto reply = PostJson(gateway.port(), kGetProfile, get_body, auth);
      if (reply.result_int() == 200 || reply.result_int() == 503) ++answered;
    }
  });

  listings.reset();
  const auto started = std::chrono::steady_clock::now();
  const auto down = PostJson(gateway.port(), kGetProfile, get_body, auth);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(down.result_int() == 503);
  CHECK(Code(down) == "unavailable");
  CHECK(took < std::chrono::seconds(1));

  listings = std::make_unique<testing::StartedService>(
      StartListings({{"MARKET_HTTP_PORT", std::to_string(listings_port)}}, database));
  const auto back = PostJson(gateway.port(), kGetProfile, get_body, auth);
  CHECK(back.result_int() == 200);
  stop = true;
  caller.join();
  CHECK(answered > 0);
  CHECK(PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}").result_int() == 200);
}

TEST_CASE("a hung service holds only its own places: other services' calls go through at once",
          "[gateway][routing]") {
  // An escrow that reads every call and answers none until the test ends.
  std::mutex mutex;
  std::vector<http::Responder> held;
  http::Server hung_escrow(http::ServerOptions{},
                           [&](http::Request, const http::RequestInfo&, http::Responder respond) {
                             std::lock_guard lock(mutex);
                             held.push_back(std::move(respond));
                           });
  REQUIRE(hung_escrow.Start().ok());
  const auto held_calls = [&] {
    std::lock_guard lock(mutex);
    return held.size();
  };
  auto listings = StartListings();
  // Two workers and four places per service: a gateway whose workers waited on upstreams would
  // be stuck after the first two hung calls.
  auto gateway = testing::StartGateway(
      {{"MARKET_UPSTREAM_LISTINGS", listings.address()},
       {"MARKET_UPSTREAM_ESCROW", "127.0.0.1:" + std::to_string(hung_escrow.port())},
       {"MARKET_WORKER_THREADS", "2"},
       {"MARKET_UPSTREAM_MAX_IN_FLIGHT", "4"},
       {"MARKET_RATE_ADDRESS_BURST", "100000"},
       {"MARKET_RATE_ADDRESS_PER_SECOND", "100000"},
       {"MARKET_RATE_ACCOUNT_BURST", "100000"},
       {"MARKET_RATE_ACCOUNT_PER_SECOND", "100000"}});
  const std::map<std::string, std::string> auth{{"Authorization", FreelancerToken()}};
  constexpr std::string_view kEscrowCall = "/market.escrow.v1.EscrowService/GetContract";

  std::vector<std::thread> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.emplace_back([&] {
      // Answered when the test stops the hung escrow; only the gateway's places matter here.
      (void)PostJson(gateway.port(), kEscrowCall, "{}", auth);
    });
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (held_calls() < 4 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(held_calls() == 4);

  // A fifth escrow call is refused at once instead of queueing behind the hung ones.
  auto started = std::chrono::steady_clock::now();
  const auto refused = PostJson(gateway.port(), kEscrowCall, "{}", auth);
  CHECK(refused.result_int() == 503);
  CHECK(Code(refused) == "unavailable");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  CHECK(held_calls() == 4);

  // Listings is served as usual, and so are the gateway's own methods.
  started = std::chrono::steady_clock::now();
  REQUIRE(PostJson(gateway.port(), kUpsertProfile, kProfile, auth).result_int() == 200);
  const std::string get_body = R"({"freelancerId":")" + std::string(kFreelancerId) + R"("})";
  for (int i = 0; i < 10; ++i) {
    CHECK(PostJson(gateway.port(), kGetProfile, get_body, auth).result_int() == 200);
  }
  CHECK(PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}").result_int() == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));

  {
    std::lock_guard lock(mutex);
    for (auto& respond : held) {
      http::Response late(beast_http::status::ok, 11);
      late.set(beast_http::field::content_type, "application/json");
      late.body() = "{}";
      respond(std::move(late));
    }
  }
  for (auto& thread : waiting) thread.join();
  ClearRateBuckets();
}

TEST_CASE("calls beyond a small rate budget are refused with retry information",
          "[gateway][rate-limit]") {
  ClearRateBuckets();
  auto gateway = testing::StartGateway(
      {{"MARKET_RATE_ADDRESS_BURST", "3"}, {"MARKET_RATE_ADDRESS_PER_SECOND", "1"}});
  for (int call = 0; call < 3; ++call) {
    CHECK(PostJson(gateway.port(), kMe, "{}").result_int() == 401);
  }
  const auto limited = PostJson(gateway.port(), kMe, "{}");
  CHECK(Code(limited) == "resource_exhausted");
  // One token a second: the next one is at most a second away.
  CheckRetryInformation(limited, std::chrono::seconds(1));
  // Health probes spend no budget.
  CHECK(PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}").result_int() == 200);
  ClearRateBuckets();
}

TEST_CASE("an account's own budget is enforced across addresses' budgets",
          "[gateway][rate-limit]") {
  ClearRateBuckets();
  auto gateway = testing::StartGateway(
      {{"MARKET_RATE_ACCOUNT_BURST", "2"}, {"MARKET_RATE_ACCOUNT_PER_SECOND", "1"}});
  auth::Principal client;
  // A subject of its own per run: the bucket lives in Redis, which outlives test runs.
  client.subject = "rate-test-" + std::to_string(std::random_device{}());
  client.roles = {auth::Role::kClient};
  client.expires_at = std::chrono::system_clock::now() + std::chrono::hours(1);
  const std::map<std::string, std::string> auth{{"Authorization", testing::BearerFor(client)}};
  CHECK(PostJson(gateway.port(), kMe, "{}", auth).result_int() != 429);
  CHECK(PostJson(gateway.port(), kMe, "{}", auth).result_int() != 429);
  CheckRetryInformation(PostJson(gateway.port(), kMe, "{}", auth), std::chrono::seconds(1));
  // Another caller from the same address still has its budget.
  CHECK(PostJson(gateway.port(), kMe, "{}").result_int() == 401);
  ClearRateBuckets();
}

TEST_CASE("the gateway keeps serving accounts and limits while its cache Redis is down",
          "[gateway][redis-down]") {
  auto gateway = testing::StartGateway();
  testing::StopRedis(testing::RedisRole::kCache);
  const auto health = PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}");
  const auto me = PostJson(gateway.port(), kMe, "{}");
  testing::StartRedis(testing::RedisRole::kCache);
  CHECK(health.result_int() == 200);
  CHECK(me.result_int() == 401);
  CHECK(Code(me) == "unauthenticated");
}

TEST_CASE("browsers from allowed origins may call the gateway", "[gateway][cors]") {
  auto gateway = testing::StartGateway({{"MARKET_CORS_ORIGINS", "https://app.example.com"}});
  auto preflight = [&](std::string_view origin) {
    http::Request request(beast_http::verb::options, kMe, 11);
    request.set(beast_http::field::origin, origin);
    request.set(beast_http::field::access_control_request_method, "POST");
    request.set(beast_http::field::access_control_request_headers, "content-type");
    return testing::Send(gateway.port(), std::move(request));
  };
  const auto allowed = preflight("https://app.example.com");
  CHECK(allowed.result_int() == 204);
  CHECK(allowed[beast_http::field::access_control_allow_origin] == "https://app.example.com");
  CHECK(allowed[beast_http::field::access_control_allow_headers].find("Content-Type") !=
        std::string_view::npos);

  const auto refused = preflight("https://evil.example.com");
  CHECK(refused.result_int() == 403);
  CHECK(refused[beast_http::field::access_control_allow_origin].empty());

  const auto call = PostJson(gateway.port(), kMe, "{}", {{"Origin", "https://app.example.com"}});
  CHECK(call[beast_http::field::access_control_allow_origin] == "https://app.example.com");
  CHECK(call[beast_http::field::access_control_expose_headers].find("X-Request-Id") !=
        std::string_view::npos);
}

}  // namespace
}  // namespace market
