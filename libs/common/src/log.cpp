#include "market/common/log.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <random>
#include <typeinfo>

#include <boost/core/demangle.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace market::log {
namespace {

constexpr std::string_view kRedacted = "[redacted]";
constexpr std::array<std::string_view, 4> kSensitiveWords = {"password", "secret", "token",
                                                             "authorization"};
constexpr std::array<std::string_view, 5> kFixedKeys = {"ts", "level", "service", "request_id",
                                                        "msg"};

struct State {
  std::atomic<Level> level{Level::kInfo};
  std::mutex service_mutex;
  std::string service;
  std::mutex sink_mutex;
  std::function<void(std::string_view)> sink;
};

State& GlobalState() {
  static State state;
  return state;
}

thread_local std::string current_request_id;

bool IsSensitive(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto word : kSensitiveWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

bool IsFixedKey(std::string_view name) {
  for (const auto key : kFixedKeys) {
    if (name == key) return true;
  }
  return false;
}

// Replaces the values of sensitive keys inside nested objects and arrays as well, since a
// request or config object passed whole would otherwise carry its credentials along.
void RedactNested(boost::json::value& value) {
  if (auto* object = value.if_object()) {
    for (auto& entry : *object) {
      if (IsSensitive(entry.key())) {
        entry.value() = kRedacted;
      } else {
        RedactNested(entry.value());
      }
    }
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) RedactNested(element);
  }
}

std::string Timestamp() {
  using std::chrono::duration_cast;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto millis = duration_cast<std::chrono::milliseconds>(now).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 96> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis % 1000));
  return text.data();
}

void WriteToStderr(std::string_view line) {
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line);
  buffer.push_back('\n');
  std::string_view rest = buffer;
  while (!rest.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report a failure to log.
    }
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "error";
}

std::optional<Level> LevelFromName(std::string_view name) {
  for (const auto level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (LevelName(level) == name) return level;
  }
  return std::nullopt;
}

bool Enabled(Level level) { return level >= GlobalState().level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message, Fields fields) {
  if (!Enabled(level)) return;
  State& state = GlobalState();
  boost::json::object line;
  line["ts"] = Timestamp();
  line["level"] = LevelName(level);
  {
    std::lock_guard lock(state.service_mutex);
    if (!state.service.empty()) line["service"] = state.service;
  }
  if (!current_request_id.empty()) line["request_id"] = current_request_id;
  line["msg"] = message;
  for (const auto& [name, value] : fields) {
    const std::string key = IsFixedKey(name) ? "field_" + std::string(name) : std::string(name);
    if (IsSensitive(name)) {
      line[key] = kRedacted;
      continue;
    }
    boost::json::value copy = value;
    RedactNested(copy);
    line[key] = std::move(copy);
  }
  const std::string text = boost::json::serialize(line);
  std::lock_guard lock(state.sink_mutex);
  if (state.sink) {
    state.sink(text);
  } else {
    WriteToStderr(text);
  }
}

void Debug(std::string_view message, Fields fields) { Write(Level::kDebug, message, fields); }
void Info(std::string_view message, Fields fields) { Write(Level::kInfo, message, fields); }
void Warn(std::string_view message, Fields fields) { Write(Level::kWarn, message, fields); }
void Error(std::string_view message, Fields fields) { Write(Level::kError, message, fields); }

void SetService(std::string name) {
  State& state = GlobalState();
  std::lock_guard lock(state.service_mutex);
  state.service = std::move(name);
}

void SetLevel(Level level) { GlobalState().level.store(level, std::memory_order_relaxed); }

void SetSink(std::function<void(std::string_view line)> sink) {
  State& state = GlobalState();
  std::lock_guard lock(state.sink_mutex);
  state.sink = std::move(sink);
}

RequestIdScope::RequestIdScope(std::string request_id)
    : previous_(std::exchange(current_request_id, std::move(request_id))) {}

RequestIdScope::~RequestIdScope() { current_request_id = std::move(previous_); }

std::string CurrentRequestId() { return current_request_id; }

std::string NewRequestId() {
  // A per-thread generator seeded by the operating system: ids are unique, not secret, so the
  // hot path of every request spends no system call on one.
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xf];
      bits >>= 4;
    }
  }
  return id;
}

std::string ExceptionType(const std::exception& error) {
  return boost::core::demangle(typeid(error).name());
}

std::string CurrentExceptionType() {
  try {
    throw;
  } catch (const std::exception& error) {
    return ExceptionType(error);
  } catch (...) {
    return "not a std::exception";
  }
}

}  // namespace market::log
