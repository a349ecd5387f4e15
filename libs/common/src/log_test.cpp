#include "market/common/log.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/json.hpp>

namespace market::log {
namespace {

// Whether `text` has the layout of `shape`, where '9' stands for any digit and 'f' for any
// lower-case hex digit; every other character must match itself.
bool MatchesShape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    if (shape[i] == '9'   ? !digit
        : shape[i] == 'f' ? !(digit || (c >= 'a' && c <= 'f'))
                          : c != shape[i]) {
      return false;
    }
  }
  return true;
}

// Captures the lines written while it lives and restores the default sink, level and service.
class CapturedLines {
 public:
  CapturedLines() {
    SetSink([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  ~CapturedLines() {
    SetSink(nullptr);
    SetLevel(Level::kInfo);
    SetService("");
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // The only captured line, parsed; fails the test if there is not exactly one.
  boost::json::object Only() {
    const auto lines = Lines();
    REQUIRE(lines.size() == 1);
    return Parse(lines[0]);
  }
  static boost::json::object Parse(const std::string& line) {
    boost::json::error_code ec;
    auto value = boost::json::parse(line, ec);
    INFO(line);
    REQUIRE_FALSE(ec);
    REQUIRE(value.is_object());
    return value.as_object();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST_CASE("a log line is one JSON object with ts, level, msg and the fields", "[log]") {
  CapturedLines captured;
  Info("milestone funded", {{"contract_id", "c-1"}, {"minor_units", 1500}, {"final", true}});
  const auto line = captured.Lines().at(0);
  CHECK(line.find('\n') == std::string::npos);
  const auto object = captured.Only();
  CHECK(MatchesShape(object.at("ts").as_string(), "9999-99-99T99:99:99.999Z"));
  CHECK(object.at("level") == "info");
  CHECK(object.at("msg") == "milestone funded");
  CHECK(object.at("contract_id") == "c-1");
  CHECK(object.at("minor_units") == 1500);
  CHECK(object.at("final") == true);
  CHECK_FALSE(object.contains("service"));
  CHECK_FALSE(object.contains("request_id"));
}

TEST_CASE("fields take strings, views, numbers, null and JSON values as they are", "[log]") {
  CapturedLines captured;
  const std::string owned = "acct-1";
  const std::string_view view = "USD";
  boost::json::object nested;
  nested["k"] = 1;
  Info("typed", {{"owned", owned},
                 {"view", view},
                 {"temporary", std::string("tmp")},
                 {"double", 0.25},
                 {"unsigned", 7u},
                 {"null", nullptr},
                 {"object", nested},
                 {"array", {1, 2, 3}}});
  const auto object = captured.Only();
  CHECK(object.at("owned") == "acct-1");
  CHECK(object.at("view") == "USD");
  CHECK(object.at("temporary") == "tmp");
  CHECK(object.at("double") == 0.25);
  CHECK(object.at("unsigned") == 7u);
  CHECK(object.at("null").is_null());
  CHECK(object.at("object").as_object().at("k") == 1);
  CHECK(object.at("array") == boost::json::array{1, 2, 3});
}

TEST_CASE("each level is named on its line", "[log]") {
  CapturedLines captured;
  SetLevel(Level::kDebug);
  Debug("d");
  Info("i");
  Warn("w");
  Error("e");
  const auto lines = captured.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(CapturedLines::Parse(lines[0]).at("level") == "debug");
  CHECK(CapturedLines::Parse(lines[1]).at("level") == "info");
  CHECK(CapturedLines::Parse(lines[2]).at("level") == "warn");
  CHECK(CapturedLines::Parse(lines[3]).at("level") == "error");
}

TEST_CASE("lines below the configured level are dropped", "[log]") {
  CapturedLines captured;
  Debug("hidden by default");
  CHECK(captured.Lines().empty());
  CHECK_FALSE(Enabled(Level::kDebug));
  SetLevel(Level::kWarn);
  Info("hidden");
  Warn("shown");
  Error("shown too");
  CHECK(captured.Lines().size() == 2);
  CHECK(Enabled(Level::kError));
  CHECK_FALSE(Enabled(Level::kInfo));
}

TEST_CASE("level names read back for configuration", "[log]") {
  for (const auto level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    REQUIRE(LevelFromName(LevelName(level)).has_value());
    CHECK(*LevelFromName(LevelName(level)) == level);
  }
  CHECK_FALSE(LevelFromName("verbose").has_value());
  CHECK_FALSE(LevelFromName("INFO").has_value());
}

TEST_CASE("the service name is on every line once set", "[log]") {
  CapturedLines captured;
  SetService("escrow");
  Info("one");
  Warn("two");
  for (const auto& line : captured.Lines()) {
    CHECK(CapturedLines::Parse(line).at("service") == "escrow");
  }
  CHECK(captured.Lines().size() == 2);
}

TEST_CASE("the request id comes from the innermost scope and nested scopes restore it", "[log]") {
  CapturedLines captured;
  CHECK(CurrentRequestId().empty());
  {
    RequestIdScope outer("outer-id");
    Info("in outer");
    {
      RequestIdScope inner("inner-id");
      CHECK(CurrentRequestId() == "inner-id");
      Info("in inner");
    }
    CHECK(CurrentRequestId() == "outer-id");
    Info("back in outer");
  }
  CHECK(CurrentRequestId().empty());
  Info("outside");
  const auto lines = captured.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(CapturedLines::Parse(lines[0]).at("request_id") == "outer-id");
  CHECK(CapturedLines::Parse(lines[1]).at("request_id") == "inner-id");
  CHECK(CapturedLines::Parse(lines[2]).at("request_id") == "outer-id");
  CHECK_FALSE(CapturedLines::Parse(lines[3]).contains("request_id"));
}

TEST_CASE("a request id scope belongs to its thread only", "[log]") {
  RequestIdScope scope("main-thread-id");
  std::string seen_by_other = "unset";
  std::thread other([&] { seen_by_other = CurrentRequestId(); });
  other.join();
  CHECK(seen_by_other.empty());
  CHECK(CurrentRequestId() == "main-thread-id");
}

TEST_CASE("credential-like fields are redacted at any depth", "[log]") {
  struct Row {
    std::string_view name;
    bool redacted;
  };
  const Row rows[] = {
      {"password", true},
      {"new_password", true},
      {"PASSWORD_HASH", true},
      {"client_secret", true},
      {"Secret", true},
      {"token", true},
      {"refresh_token", true},
      {"idempotencyToken", true},
      {"authorization", true},
      {"Authorization", true},
      {"x_authorization_header", true},
      {"user", false},
      {"account_id", false},
      {"pass", false},
      {"tok", false},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    CapturedLines captured;
    Info("request", {{row.name, "value-42"}});
    const auto object = captured.Only();
    CHECK(object.at(row.name) == (row.redacted ? "[redacted]" : "value-42"));
    CHECK((captured.Lines()[0].find("value-42") == std::string::npos) == row.redacted);
  }

  CapturedLines captured;
  boost::json::object device;
  device["api_token"] = "t0k3n";
  boost::json::object body;
  body["email"] = "a@example.com";
  body["password"] = "hunter2";
  boost::json::array devices;
  devices.push_back(device);
  body["devices"] = devices;
  Info("register", {{"body", body}});
  const auto object = captured.Only();
  const auto& logged = object.at("body").as_object();
  CHECK(logged.at("email") == "a@example.com");
  CHECK(logged.at("password") == "[redacted]");
  CHECK(logged.at("devices").as_array().at(0).as_object().at("api_token") == "[redacted]");
  CHECK(captured.Lines()[0].find("hunter2") == std::string::npos);
  CHECK(captured.Lines()[0].find("t0k3n") == std::string::npos);
}

TEST_CASE("a field cannot overwrite the fixed keys", "[log]") {
  CapturedLines captured;
  RequestIdScope scope("real-id");
  Info("real message", {{"msg", "fake"}, {"level", "error"}, {"request_id", "forged"}});
  const auto object = captured.Only();
  CHECK(object.at("msg") == "real message");
  CHECK(object.at("level") == "info");
  CHECK(object.at("request_id") == "real-id");
  CHECK(object.at("field_msg") == "fake");
  CHECK(object.at("field_level") == "error");
  CHECK(object.at("field_request_id") == "forged");
}

TEST_CASE("text with quotes, newlines and control characters stays one valid line", "[log]") {
  CapturedLines captured;
  Info("line one\nline \"two\"", {{"note", "tab\there \x01 and \\ backslash"}});
  const auto lines = captured.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find('\n') == std::string::npos);
  const auto object = captured.Only();
  CHECK(object.at("msg") == "line one\nline \"two\"");
  CHECK(object.at("note") == "tab\there \x01 and \\ backslash");
}

TEST_CASE("new request ids are 32 hex characters and unique", "[log]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    REQUIRE(MatchesShape(id, std::string(32, 'f')));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("request ids from many threads do not repeat", "[log]") {
  constexpr int kThreads = 8;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < 500; ++i) ids[static_cast<std::size_t>(t)].push_back(NewRequestId());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> seen;
  for (const auto& batch : ids) seen.insert(batch.begin(), batch.end());
  CHECK(seen.size() == kThreads * 500);
}

struct SecretBearingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST_CASE("the exception type is named without its message", "[log]") {
  const auto type_of = [](const std::function<void()>& thrower) {
    try {
      thrower();
    } catch (...) {
      return CurrentExceptionType();
    }
    return std::string("nothing thrown");
  };
  CHECK(type_of([] { throw std::invalid_argument("password=hunter2"); }) ==
        "std::invalid_argument");
  const std::string custom = type_of([] { throw SecretBearingError("SELECT secret"); });
  CHECK(custom == "market::log::(anonymous namespace)::SecretBearingError");
  CHECK(custom.find("SELECT") == std::string::npos);
  CHECK(type_of([] { throw 42; }) == "not a std::exception");
  CHECK(ExceptionType(std::out_of_range("index 7")) == "std::out_of_range");
}

TEST_CASE("the default sink writes whole lines to stderr even from many threads", "[log]") {
  char path[] = "/tmp/market_log_test_XXXXXX";
  const int file = ::mkstemp(path);
  REQUIRE(file >= 0);
  const int saved_stderr = ::dup(STDERR_FILENO);
  REQUIRE(::dup2(file, STDERR_FILENO) >= 0);
  constexpr int kThreads = 4;
  constexpr int kLinesPerThread = 200;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([t] {
        const std::string padding(300, 'x');
        RequestIdScope scope("thread-" + std::to_string(t));
        for (int i = 0; i < kLinesPerThread; ++i) {
          Info("concurrent", {{"i", i}, {"padding", std::string_view(padding)}});
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  ::dup2(saved_stderr, STDERR_FILENO);
  ::close(saved_stderr);
  ::close(file);

  std::ifstream in(path);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    const auto object = CapturedLines::Parse(line);
    CHECK(object.at("msg") == "concurrent");
    ++count;
  }
  ::unlink(path);
  CHECK(count == kThreads * kLinesPerThread);
}

}  // namespace
}  // namespace market::log
