// Structured logs: one JSON object per line on stderr, ready for any log collector.
//
//   market::log::SetService("escrow");
//   market::log::RequestIdScope scope(market::log::NewRequestId());
//   market::log::Info("milestone funded", {{"contract_id", id}, {"minor_units", 1500}});
//
// writes
//
//   {"ts":"2026-11-30T07:40:39.123Z","level":"info","service":"escrow","request_id":"9f...",
//    "msg":"milestone funded","contract_id":"...","minor_units":1500}
//
// "service" appears once SetService() was called, "request_id" inside a RequestIdScope.
// A field whose name contains password, secret, token or authorization (in any letter case),
// at any depth of a nested object, is written as "[redacted]", so a careless call site cannot
// leak a credential. A field named like one of the fixed keys above is written as
// "field_<name>" so it never shadows them.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/json/value.hpp>

namespace market::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// "debug", "info", "warn", "error".
std::string_view LevelName(Level level);
// The inverse of LevelName, for configuration; nullopt for any other text.
std::optional<Level> LevelFromName(std::string_view name);

// One name and JSON value of a log line. It is a std::pair, and also accepts std::string and
// std::string_view values, which boost::json::value does not take implicitly.
struct Field : std::pair<std::string_view, boost::json::value> {
  Field(std::string_view name, boost::json::value value) : pair(name, std::move(value)) {}
  template <typename T>
  requires(!std::is_same_v<std::decay_t<T>, boost::json::value>)
      Field(std::string_view name, T&& value)
      : pair(name, ToJson(std::forward<T>(value))) {}

 private:
  template <typename T>
  static boost::json::value ToJson(T&& value) {
    if constexpr (std::is_convertible_v<T, std::string_view> &&
                  !std::is_null_pointer_v<std::decay_t<T>>) {
      const std::string_view text = value;
      return boost::json::value(boost::json::string_view(text.data(), text.size()));
    } else {
      return boost::json::value(std::forward<T>(value));
    }
  }
};
using Fields = std::initializer_list<Field>;

void Debug(std::string_view message, Fields fields = {});
void Info(std::string_view message, Fields fields = {});
void Warn(std::string_view message, Fields fields = {});
void Error(std::string_view message, Fields fields = {});
void Write(Level level, std::string_view message, Fields fields = {});

// Whether a line at `level` would be written; lets a caller skip building costly fields.
bool Enabled(Level level);

// The "service" field on every line.
void SetService(std::string name);
// Lines below `level` are dropped. The default is kInfo.
void SetLevel(Level level);
// Where lines go (without the trailing newline). Calls are serialised, so a sink need not
// lock. An empty function restores the default, which writes line + '\n' to stderr with one
// write so that lines from concurrent threads never interleave.
void SetSink(std::function<void(std::string_view line)> sink);

// Sets the request id of every line this thread logs while the scope lives. Scopes nest: the
// destructor restores the id that was current before.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// The id of the innermost RequestIdScope on this thread, or "" outside any.
std::string CurrentRequestId();
// A fresh request id: 32 lower-case hex characters. Unique, not secret (it is echoed to clients
// and written to logs), so it comes from a per-thread generator that the operating system
// seeds, and costs no system call per request.
std::string NewRequestId();

// The demangled type of an exception, for a log line such as
//   catch (...) { log::Error("handler threw", {{"exception", log::CurrentExceptionType()}}); }
// Only the type is logged: an exception's text may carry SQL or a secret.
std::string ExceptionType(const std::exception& error);
// The type of the exception being handled; call only inside a catch block.
std::string CurrentExceptionType();

}  // namespace market::log
