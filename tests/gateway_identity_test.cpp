// Accounts through the gateway, as a client app uses them: register, log in, see oneself,
// change the password; every refusal with the code and the field a user needs.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <random>

#include "market/connect/error.hpp"
#include "market/connect/error_details.hpp"
#include "market/pg/pool.hpp"
#include "operator_accounts.hpp"
#include "support/service_fixture.hpp"

namespace market {
namespace {

using testing::PostJson;
using namespace testing::identity_paths;

std::string Email(std::string_view name) { return testing::UniqueEmail(name); }

boost::json::object Json(const http::Response& response) {
  return boost::json::parse(response.body()).as_object();
}

std::string Text(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string Registration(const std::string& email, std::string_view country = "DE",
                         std::string_view currency = "EUR",
                         std::string_view roles = R"(["ROLE_FREELANCER"])") {
  return R"({"email":")" + email +
         R"(","password":"correct horse battery","displayName":"Ada Lovelace","country":")" +
         std::string(country) + R"(","roles":)" + std::string(roles) + R"(,"preferredCurrency":")" +
         std::string(currency) + R"("})";
}

// The Status a Connect client reads from a reply, details included.
Status StatusOf(const http::Response& response) {
  return connect::StatusFromErrorResponse(
      response.result_int(), response[boost::beast::http::field::content_type], response.body());
}

std::string Credentials(const std::string& email, std::string_view password) {
  return R"({"email":")" + email + R"(","password":")" + std::string(password) + R"("})";
}

TEST_CASE("register, log in and see oneself through the gateway", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  const auto registered = PostJson(
      gateway.port(), kRegister,
      Registration("  Ada@Example.COM ", "GB", "GBP", R"(["ROLE_FREELANCER","ROLE_CLIENT"])"));
  REQUIRE(registered.result_int() == 200);
  const auto account = Json(registered).at("account").as_object();
  CHECK(Text(account, "email") == "ada@example.com");
  CHECK(Text(account, "country") == "GB");
  CHECK(Text(account, "preferredCurrency") == "GBP");
  CHECK(account.at("roles").as_array().size() == 2);
  CHECK_FALSE(registered.body().find("password") != std::string::npos);

  const auto login =
      PostJson(gateway.port(), kLogin, Credentials("ada@example.com", "correct horse battery"));
  REQUIRE(login.result_int() == 200);
  const std::string token = Text(Json(login), "accessToken");
  REQUIRE_FALSE(token.empty());
  CHECK_FALSE(Text(Json(login), "expiresAt").empty());

  const auto me = PostJson(gateway.port(), kMe, "{}", {{"Authorization", "Bearer " + token}});
  REQUIRE(me.result_int() == 200);
  CHECK(Text(Json(me).at("account").as_object(), "id") == Text(account, "id"));

  const auto anonymous = PostJson(gateway.port(), kMe, "{}");
  CHECK(anonymous.result_int() == 401);
  CHECK(Text(Json(anonymous), "code") == "unauthenticated");
}

TEST_CASE("an email can hold one account, whatever its letter case", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  REQUIRE(PostJson(gateway.port(), kRegister, Registration(Email("bo"))).result_int() == 200);
  const auto again = PostJson(gateway.port(), kRegister, Registration(Email("BO")));
  CHECK(again.result_int() == 409);
  CHECK(Text(Json(again), "code") == "already_exists");
  CHECK(Text(Json(again), "message").starts_with("email:"));
}

TEST_CASE("invalid registrations are refused naming the field", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  struct Row {
    std::string body;
    std::string field;
  };
  const Row rows[] = {
      {Registration("not-an-email"), "email"},
      {Registration("a@b"), "email"},
      {Registration("cy@example.com", "XX"), "country"},
      {Registration("cy@example.com", "de"), "country"},
      {Registration("cu@example.com", "DE", "EURO"), "preferred_currency"},
      {Registration("cu@example.com", "DE", "XYZ"), "preferred_currency"},
      {Registration("ro@example.com", "DE", "EUR", "[]"), "roles"},
      {Registration("ro@example.com", "DE", "EUR", R"(["ROLE_OPERATOR"])"), "roles"},
      {R"({"email":"pw@example.com","password":"short","displayName":"P","country":"DE",)"
       R"("roles":["ROLE_CLIENT"],"preferredCurrency":"EUR"})",
       "password"},
      {R"({"email":"dn@example.com","password":"long enough pw","displayName":"","country":"DE",)"
       R"("roles":["ROLE_CLIENT"],"preferredCurrency":"EUR"})",
       "display_name"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.body);
    const auto reply = PostJson(gateway.port(), kRegister, row.body);
    CHECK(reply.result_int() == 400);
    CHECK(Text(Json(reply), "code") == "invalid_argument");
    CHECK(Text(Json(reply), "message").starts_with(row.field + ":"));
    const auto violations = connect::FieldViolationsOf(StatusOf(reply));
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].field == row.field);
  }
}

TEST_CASE("a registration with three bad fields is refused naming all three",
          "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  const auto reply =
      PostJson(gateway.port(), kRegister,
               R"({"email":"not-an-email","password":"short","displayName":"Three Faults",)"
               R"("country":"XX","roles":["ROLE_CLIENT"],"preferredCurrency":"EUR"})");
  CHECK(reply.result_int() == 400);
  const Status status = StatusOf(reply);
  CHECK(status.code() == StatusCode::kInvalidArgument);
  const std::vector<connect::FieldViolation> expected = {
      {"email", "must be an address like name@example.com"},
      {"password", "must have 10 to 128 characters"},
      {"country", "must be an ISO 3166-1 alpha-2 code such as \"DE\""},
  };
  CHECK(connect::FieldViolationsOf(status) == expected);
  CHECK(status.message() ==
        "email: must be an address like name@example.com; password: must have 10 to 128 "
        "characters; country: must be an ISO 3166-1 alpha-2 code such as \"DE\"");
}

TEST_CASE("a wrong password and an unknown email get the same answer", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  REQUIRE(PostJson(gateway.port(), kRegister, Registration(Email("cy"))).result_int() == 200);
  const auto wrong_password =
      PostJson(gateway.port(), kLogin, Credentials(Email("cy"), "wrong password!"));
  const auto unknown_email =
      PostJson(gateway.port(), kLogin, Credentials(Email("nobody"), "wrong password!"));
  CHECK(wrong_password.result_int() == 401);
  CHECK(wrong_password.result_int() == unknown_email.result_int());
  CHECK(wrong_password.body() == unknown_email.body());
}

TEST_CASE("repeated failed logins are throttled, even with the right password after them",
          "[gateway][identity]") {
  auto gateway = testing::StartGateway({{"MARKET_LOGIN_MAX_FAILURES_ACCOUNT_ADDRESS", "3"}});
  REQUIRE(PostJson(gateway.port(), kRegister, Registration(Email("dee"))).result_int() == 200);
  for (int attempt = 0; attempt < 3; ++attempt) {
    CHECK(PostJson(gateway.port(), kLogin,
                   Credentials(Email("dee"), "guess number " + std::to_string(attempt)))
              .result_int() == 401);
  }
  const auto throttled =
      PostJson(gateway.port(), kLogin, Credentials(Email("dee"), "correct horse battery"));
  CHECK(throttled.result_int() == 429);
  CHECK(Text(Json(throttled), "code") == "resource_exhausted");
  // The wait is in the message for people and in a RetryInfo for programs, and they agree.
  const auto delay = connect::RetryDelayOf(StatusOf(throttled));
  REQUIRE(delay.has_value());
  CHECK(*delay > std::chrono::seconds(0));
  CHECK(*delay <= std::chrono::seconds(900));
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*delay).count();
  CHECK(Text(Json(throttled), "message") ==
        "too many failed logins; retry in " + std::to_string(seconds) + " seconds");
}

TEST_CASE("a password change needs the current password and replaces it", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  REQUIRE(PostJson(gateway.port(), kRegister, Registration(Email("eve"))).result_int() == 200);
  const auto login =
      PostJson(gateway.port(), kLogin, Credentials(Email("eve"), "correct horse battery"));
  const std::map<std::string, std::string> auth{
      {"Authorization", "Bearer " + Text(Json(login), "accessToken")}};

  const auto wrong =
      PostJson(gateway.port(), kChangePassword,
               R"({"currentPassword":"not it at all","newPassword":"a new secret 1"})", auth);
  CHECK(wrong.result_int() == 403);
  CHECK(Text(Json(wrong), "message").starts_with("current_password:"));

  const auto changed = PostJson(
      gateway.port(), kChangePassword,
      R"({"currentPassword":"correct horse battery","newPassword":"a new secret 1"})", auth);
  CHECK(changed.result_int() == 200);
  CHECK(PostJson(gateway.port(), kLogin, Credentials(Email("eve"), "correct horse battery"))
            .result_int() == 401);
  CHECK(
      PostJson(gateway.port(), kLogin, Credentials(Email("eve"), "a new secret 1")).result_int() ==
      200);
}

TEST_CASE("operators come from the bootstrap, and log in as operators", "[gateway][identity]") {
  auto gateway = testing::StartGateway();
  pg::Pool pool(pg::PoolOptions{.dsn = gateway.database().dsn});
  auto created = gateway::CreateOperator(pool, {.email = Email("ops"),
                                                .password = "operator password",
                                                .display_name = "Operations",
                                                .country = "DE",
                                                .preferred_currency = "EUR"});
  REQUIRE(created.ok());
  const auto login =
      PostJson(gateway.port(), kLogin, Credentials(Email("ops"), "operator password"));
  REQUIRE(login.result_int() == 200);
  const auto roles = Json(login).at("account").as_object().at("roles").as_array();
  REQUIRE(roles.size() == 1);
  CHECK(roles[0].as_string() == "ROLE_OPERATOR");
}

}  // namespace
}  // namespace market
