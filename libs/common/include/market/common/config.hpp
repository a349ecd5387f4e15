// Typed configuration from environment variables, with working local defaults.
//
// Every getter returns a usable value at once (the fallback when the variable is unset or
// bad) and remembers what it read, so a service reads all of its settings, then calls
// Check() once and refuses to start if anything was wrong. Check() names every bad
// variable with its rule, so one failed start-up shows every mistake, not just the first:
//
//   market::config::Env env;
//   const auto port = env.Port("MARKET_HTTP_PORT", 8080);
//   const auto timeout = env.Millis("MARKET_PG_TIMEOUT", 5s, 100ms, 60s);
//   const auto password = env.Secret("MARKET_PG_PASSWORD", "local-development-password");
//   if (auto status = env.Check(); !status.ok()) {
//     market::log::Error("bad configuration", {{"error", status.message()}});
//     return 2;
//   }
//   for (const auto& [name, value] : env.Describe()) market::log::Info("config", {{name, value}});
//
// A variable that is set to the empty string counts as set: String() returns "", the numeric
// getters reject it, and Secret() rejects it, so an empty secret never silently becomes the
// local development fallback.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "market/common/status.hpp"

namespace market::config {

class Env {
 public:
  // A snapshot of the process environment, taken now.
  Env();
  // Exactly these variables, for tests.
  explicit Env(std::map<std::string, std::string> values);

  std::string String(std::string_view name, std::string_view fallback);
  // Never logged: Describe() shows "<set>" or "<default>" instead of the value.
  std::string Secret(std::string_view name, std::string_view local_fallback);
  std::int64_t Int(std::string_view name, std::int64_t fallback, std::int64_t min,
                   std::int64_t max);
  // An integer in [1, 65535].
  std::uint16_t Port(std::string_view name, std::uint16_t fallback);
  // An integer of milliseconds, or a number with one unit: "250ms", "5s", "2m", "1h".
  std::chrono::milliseconds Millis(std::string_view name, std::chrono::milliseconds fallback,
                                   std::chrono::milliseconds min, std::chrono::milliseconds max);
  // true/false/1/0/yes/no, in any letter case.
  bool Bool(std::string_view name, bool fallback);

  // Whether the variable is set at all (possibly to ""). Not recorded as a read.
  bool Has(std::string_view name) const;
  // A variable this release no longer reads: when it is set, Check() fails saying so and what
  // replaced it, so that nobody believes a setting is in force when it is not.
  void Retired(std::string_view name, std::string_view replacement);
  // Records that `name`, read above, breaks `rule` for a reason only its user can tell (a key
  // file that does not parse, a setting that contradicts another), so that Check() names it with
  // the others: "<name>: <rule>".
  void Fail(std::string_view name, std::string_view rule);

  // OK, or invalid_argument naming every bad variable with its rule, in the order read, e.g.
  // `MARKET_HTTP_PORT: must be an integer in [1, 65535], got "abc"`, joined by "; ".
  Status Check() const;
  // The effective value of every variable read so far, in the order read; secrets masked, and
  // so are passwords inside connection strings read with String() ("postgresql://u:<redacted>@h").
  std::vector<std::pair<std::string, std::string>> Describe() const;

 private:
  struct Read {
    std::string name;
    std::string shown;
    std::optional<std::string> error;
  };

  std::optional<std::string> Lookup(std::string_view name) const;
  // Records a read for Check() and Describe(); a second read of a name replaces the first.
  void Record(std::string_view name, std::string shown, std::optional<std::string> error);

  std::map<std::string, std::string, std::less<>> values_;
  std::vector<Read> reads_;
};

}  // namespace market::config
