#include "market/common/config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace market::config {
namespace {

using std::chrono::milliseconds;
using Vars = std::map<std::string, std::string>;
using namespace std::chrono_literals;

TEST_CASE("unset variables take their fallbacks and the config checks OK", "[config]") {
  Env env(Vars{});
  CHECK(env.String("MARKET_PG_DSN", "postgresql://localhost/market") ==
        "postgresql://localhost/market");
  CHECK(env.Secret("MARKET_TOKEN_SECRET", "dev-secret") == "dev-secret");
  CHECK(env.Int("MARKET_POOL_SIZE", 8, 1, 64) == 8);
  CHECK(env.Port("MARKET_HTTP_PORT", 8080) == 8080);
  CHECK(env.Millis("MARKET_PG_TIMEOUT", 5s, 100ms, 60s) == 5s);
  CHECK(env.Bool("MARKET_JSON_LOGS", true) == true);
  CHECK(env.Check().ok());
}

TEST_CASE("set variables are parsed into their types", "[config]") {
  Env env(Vars{{"S", "hello world"},
               {"I", "-42"},
               {"P", "65535"},
               {"M", "1500"},
               {"B", "no"},
               {"EMPTY", ""}});
  CHECK(env.String("S", "x") == "hello world");
  CHECK(env.String("EMPTY", "x") == "");
  CHECK(env.Int("I", 0, -100, 100) == -42);
  CHECK(env.Port("P", 1) == 65535);
  CHECK(env.Millis("M", 1ms, 0ms, 10s) == 1500ms);
  CHECK(env.Bool("B", true) == false);
  CHECK(env.Check().ok());
}

TEST_CASE("durations accept a bare count of milliseconds or one unit", "[config]") {
  struct Row {
    std::string text;
    milliseconds expected;
  };
  const Row rows[] = {
      {"0", 0ms},     {"250", 250ms},   {"250ms", 250ms},
      {"5s", 5000ms}, {"2m", 120000ms}, {"1h", 3600000ms},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    Env env(Vars{{"D", row.text}});
    CHECK(env.Millis("D", 7ms, 0ms, 24h) == row.expected);
    CHECK(env.Check().ok());
  }
}

TEST_CASE("booleans accept true/false/1/0/yes/no in any case", "[config]") {
  const std::pair<std::string, bool> rows[] = {
      {"true", true},   {"TRUE", true},   {"1", true},  {"yes", true}, {"Yes", true},
      {"false", false}, {"False", false}, {"0", false}, {"no", false}, {"NO", false},
  };
  for (const auto& [text, expected] : rows) {
    CAPTURE(text);
    Env env(Vars{{"B", text}});
    CHECK(env.Bool("B", !expected) == expected);
    CHECK(env.Check().ok());
  }
}

TEST_CASE("every bad value is reported with its rule and the fallback is used", "[config]") {
  struct Row {
    std::string value;
    std::function<void(Env&)> read;
    std::string message;
  };
  const Row rows[] = {
      {"abc", [](Env& e) { CHECK(e.Port("V", 8080) == 8080); },
       R"(V: must be an integer in [1, 65535], got "abc")"},
      {"0", [](Env& e) { CHECK(e.Port("V", 8080) == 8080); },
       R"(V: must be an integer in [1, 65535], got "0")"},
      {"65536", [](Env& e) { CHECK(e.Port("V", 8080) == 8080); },
       R"(V: must be an integer in [1, 65535], got "65536")"},
      {"", [](Env& e) { CHECK(e.Port("V", 8080) == 8080); },
       R"(V: must be an integer in [1, 65535], got "")"},
      {" 80", [](Env& e) { CHECK(e.Port("V", 8080) == 8080); },
       R"(V: must be an integer in [1, 65535], got " 80")"},
      {"+5", [](Env& e) { CHECK(e.Int("V", 3, 1, 10) == 3); },
       R"(V: must be an integer in [1, 10], got "+5")"},
      {"11", [](Env& e) { CHECK(e.Int("V", 3, 1, 10) == 3); },
       R"(V: must be an integer in [1, 10], got "11")"},
      {"-1", [](Env& e) { CHECK(e.Int("V", 3, 0, 10) == 3); },
       R"(V: must be an integer in [0, 10], got "-1")"},
      {"1.5", [](Env& e) { CHECK(e.Int("V", 3, 0, 10) == 3); },
       R"(V: must be an integer in [0, 10], got "1.5")"},
      {"99999999999999999999", [](Env& e) { CHECK(e.Int("V", 3, 0, 10) == 3); },
       R"(V: must be an integer in [0, 10], got "99999999999999999999")"},
      {"fast", [](Env& e) { CHECK(e.Millis("V", 5s, 100ms, 60s) == 5s); },
       R"(V: must be a duration in [100ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "fast")"},
      {"5 s", [](Env& e) { CHECK(e.Millis("V", 5s, 100ms, 60s) == 5s); },
       R"(V: must be a duration in [100ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "5 s")"},
      {"1d", [](Env& e) { CHECK(e.Millis("V", 5s, 100ms, 60s) == 5s); },
       R"(V: must be a duration in [100ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "1d")"},
      {"50ms", [](Env& e) { CHECK(e.Millis("V", 5s, 100ms, 60s) == 5s); },
       R"(V: must be a duration in [100ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "50ms")"},
      {"2m", [](Env& e) { CHECK(e.Millis("V", 5s, 100ms, 60s) == 5s); },
       R"(V: must be a duration in [100ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "2m")"},
      {"-100", [](Env& e) { CHECK(e.Millis("V", 5s, 0ms, 60s) == 5s); },
       R"(V: must be a duration in [0ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "-100")"},
      {"99999999999999999h", [](Env& e) { CHECK(e.Millis("V", 5s, 0ms, 60s) == 5s); },
       R"(V: must be a duration in [0ms, 60000ms] (milliseconds, or a number with unit ms, s, m or h), got "99999999999999999h")"},
      {"maybe", [](Env& e) { CHECK(e.Bool("V", true) == true); },
       R"(V: must be one of true, false, 1, 0, yes, no, got "maybe")"},
      {"", [](Env& e) { CHECK(e.Bool("V", false) == false); },
       R"(V: must be one of true, false, 1, 0, yes, no, got "")"},
      {"", [](Env& e) { CHECK(e.Secret("V", "dev") == "dev"); }, "V: must not be empty"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.value, row.message);
    Env env(Vars{{"V", row.value}});
    row.read(env);
    const Status status = env.Check();
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message() == row.message);
  }
}

TEST_CASE("Check names every bad variable, in the order read", "[config]") {
  Env env(Vars{{"MARKET_HTTP_PORT", "abc"},
               {"MARKET_POOL_SIZE", "500"},
               {"MARKET_PG_DSN", "postgresql://db/market"},
               {"MARKET_PG_TIMEOUT", "soon"},
               {"MARKET_JSON_LOGS", "perhaps"}});
  (void)env.Port("MARKET_HTTP_PORT", 8080);
  (void)env.Int("MARKET_POOL_SIZE", 8, 1, 64);
  (void)env.String("MARKET_PG_DSN", "");
  (void)env.Millis("MARKET_PG_TIMEOUT", 5s, 100ms, 60s);
  (void)env.Bool("MARKET_JSON_LOGS", true);
  const Status status = env.Check();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message() ==
        R"(MARKET_HTTP_PORT: must be an integer in [1, 65535], got "abc"; )"
        R"(MARKET_POOL_SIZE: must be an integer in [1, 64], got "500"; )"
        R"(MARKET_PG_TIMEOUT: must be a duration in [100ms, 60000ms] (milliseconds, or a number )"
        R"(with unit ms, s, m or h), got "soon"; )"
        R"(MARKET_JSON_LOGS: must be one of true, false, 1, 0, yes, no, got "perhaps")");
}

TEST_CASE("reading a variable again replaces its earlier verdict", "[config]") {
  Env env(Vars{{"N", "20"}});
  (void)env.Int("N", 1, 1, 10);
  REQUIRE_FALSE(env.Check().ok());
  CHECK(env.Int("N", 1, 1, 100) == 20);
  CHECK(env.Check().ok());
  CHECK(env.Describe().size() == 1);
}

TEST_CASE("a retired variable that is set fails the check, naming what replaced it", "[config]") {
  Env unset(Vars{});
  unset.Retired("MARKET_OLD", "use MARKET_NEW");
  CHECK(unset.Check().ok());
  CHECK(unset.Describe().empty());

  Env set(Vars{{"MARKET_OLD", "s3cr3t"}});
  set.Retired("MARKET_OLD", "use MARKET_NEW");
  CHECK(set.Check() == InvalidArgumentError("MARKET_OLD: is retired; use MARKET_NEW"));
  // Its value may be a secret: it is never shown.
  CHECK(set.Describe() ==
        std::vector<std::pair<std::string, std::string>>{{"MARKET_OLD", "<set>"}});
}

TEST_CASE("Fail adds a rule checked elsewhere to the variables Check names", "[config]") {
  Env env(Vars{{"MARKET_KEY_FILE", "/no/such/file"}, {"MARKET_HTTP_PORT", "x"}});
  CHECK(env.Has("MARKET_KEY_FILE"));
  CHECK_FALSE(env.Has("MARKET_OTHER"));
  (void)env.String("MARKET_KEY_FILE", "");
  (void)env.Port("MARKET_HTTP_PORT", 8080);
  env.Fail("MARKET_KEY_FILE", "cannot read key file \"/no/such/file\"");
  env.Fail("MARKET_OTHER", "must be set");
  CHECK(env.Check() ==
        InvalidArgumentError("MARKET_KEY_FILE: cannot read key file \"/no/such/file\"; "
                             "MARKET_HTTP_PORT: must be an integer in [1, 65535], got \"x\"; "
                             "MARKET_OTHER: must be set"));
}

TEST_CASE("Describe lists effective values in read order and masks secrets", "[config]") {
  Env env(Vars{{"MARKET_HTTP_PORT", "9000"},
               {"MARKET_TOKEN_SECRET", "s3cr3t-value-that-must-not-appear"},
               {"MARKET_PG_TIMEOUT", "2s"},
               {"MARKET_POOL_SIZE", "oops"}});
  (void)env.Port("MARKET_HTTP_PORT", 8080);
  (void)env.Secret("MARKET_TOKEN_SECRET", "dev");
  (void)env.Secret("MARKET_SERVICE_SECRET", "dev-service");
  (void)env.Millis("MARKET_PG_TIMEOUT", 5s, 100ms, 60s);
  (void)env.Int("MARKET_POOL_SIZE", 8, 1, 64);
  (void)env.Bool("MARKET_JSON_LOGS", true);
  (void)env.String("MARKET_REGION", "local");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"MARKET_HTTP_PORT", "9000"},
      {"MARKET_TOKEN_SECRET", "<set>"},
      {"MARKET_SERVICE_SECRET", "<default>"},
      {"MARKET_PG_TIMEOUT", "2000ms"},
      {"MARKET_POOL_SIZE", "8"},
      {"MARKET_JSON_LOGS", "true"},
      {"MARKET_REGION", "local"},
  };
  CHECK(env.Describe() == expected);
}

TEST_CASE("Describe hides passwords inside connection strings", "[config]") {
  const std::pair<std::string, std::string> rows[] = {
      {"postgresql://market:hunter2@db:5432/market",
       "postgresql://market:<redacted>@db:5432/market"},
      {"redis://:hunter2@cache:6379/0", "redis://:<redacted>@cache:6379/0"},
      {"postgresql://market@db/market", "postgresql://market@db/market"},
      {"postgresql://db/market?user=me&password=hunter2&sslmode=require",
       "postgresql://db/market?user=me&password=<redacted>&sslmode=require"},
      {"host=db user=market password=hunter2 dbname=market",
       "host=db user=market password=<redacted> dbname=market"},
      {"http://listings:8081/path@v1", "http://listings:8081/path@v1"},
      {"plain value", "plain value"},
  };
  for (const auto& [value, shown] : rows) {
    CAPTURE(value);
    Env env(Vars{{"MARKET_PG_DSN", value}});
    CHECK(env.String("MARKET_PG_DSN", "") == value);
    CHECK(env.Describe().at(0).second == shown);
  }
}

TEST_CASE("the default constructor reads the process environment", "[config]") {
  REQUIRE(::setenv("MARKET_CONFIG_TEST_PORT", "4321", 1) == 0);
  Env env;
  CHECK(env.Port("MARKET_CONFIG_TEST_PORT", 1) == 4321);
  CHECK(env.String("MARKET_CONFIG_TEST_UNSET_VARIABLE", "fallback") == "fallback");
  ::unsetenv("MARKET_CONFIG_TEST_PORT");
}

}  // namespace
}  // namespace market::config
