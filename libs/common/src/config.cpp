#include "market/common/config.hpp"

#include <charconv>
#include <limits>

#include "market/common/text.hpp"

extern char** environ;  // POSIX: the process environment, read once by Env().

namespace market::config {
namespace {

// The whole of `text` as a base-10 integer: no sign other than a leading '-', no spaces.
std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// "1500", "1500ms", "5s", "2m", "1h": a non-negative integer with an optional unit.
std::optional<std::chrono::milliseconds> ParseMillis(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::int64_t count = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, count);
  if (ec != std::errc()) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60 * 1000;
  } else if (unit == "h") {
    scale = 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  if (count > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::milliseconds(count * scale);
}

std::optional<bool> ParseBool(std::string_view text) {
  const std::string lower = text::ToLowerAscii(text);
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return std::nullopt;
}

// Connection strings read with String() often embed a password ("postgresql://u:pw@host/db",
// "host=db password=pw"); Describe() shows them with the password replaced so that the
// start-up log stays free of secrets.
std::string MaskCredentials(std::string value) {
  constexpr std::string_view kMask = "<redacted>";
  const auto scheme = value.find("://");
  if (scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto at = value.find('@', authority);
    const auto colon = value.find(':', authority);
    const auto slash = value.find('/', authority);
    if (at != std::string::npos && colon < at && (slash == std::string::npos || at < slash)) {
      value.replace(colon + 1, at - colon - 1, kMask);
    }
  }
  for (auto key = value.find("password="); key != std::string::npos;
       key = value.find("password=", key + 1)) {
    const auto start = key + 9;
    auto end = value.find_first_of(" &", start);
    if (end == std::string::npos) end = value.size();
    value.replace(start, end - start, kMask);
  }
  return value;
}

std::string MillisText(std::chrono::milliseconds value) {
  return std::to_string(value.count()) + "ms";
}

}  // namespace

Env::Env() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view pair(*entry);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    values_.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
  }
}

Env::Env(std::map<std::string, std::string> values) : values_(values.begin(), values.end()) {}

std::optional<std::string> Env::Lookup(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

void Env::Record(std::string_view name, std::string shown, std::optional<std::string> error) {
  for (auto& read : reads_) {
    if (read.name == name) {
      read.shown = std::move(shown);
      read.error = std::move(error);
      return;
    }
  }
  reads_.push_back(Read{std::string(name), std::move(shown), std::move(error)});
}

bool Env::Has(std::string_view name) const { return Lookup(name).has_value(); }

void Env::Retired(std::string_view name, std::string_view replacement) {
  if (!Has(name)) return;
  Record(name, "<set>", std::string(name) + ": is retired; " + std::string(replacement));
}

void Env::Fail(std::string_view name, std::string_view rule) {
  std::string error = std::string(name) + ": " + std::string(rule);
  for (auto& read : reads_) {
    if (read.name == name) {
      read.error = std::move(error);
      return;
    }
  }
  reads_.push_back(Read{std::string(name), Has(name) ? "<set>" : "<default>", std::move(error)});
}

std::string Env::String(std::string_view name, std::string_view fallback) {
  std::string value = Lookup(name).value_or(std::string(fallback));
  Record(name, MaskCredentials(value), std::nullopt);
  return value;
}

std::string Env::Secret(std::string_view name, std::string_view local_fallback) {
  const auto raw = Lookup(name);
  if (!raw) {
    Record(name, "<default>", std::nullopt);
    return std::string(local_fallback);
  }
  if (raw->empty()) {
    Record(name, "<default>", std::string(name) + ": must not be empty");
    return std::string(local_fallback);
  }
  Record(name, "<set>", std::nullopt);
  return *raw;
}

std::int64_t Env::Int(std::string_view name, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) {
  const auto raw = Lookup(name);
  if (!raw) {
    Record(name, std::to_string(fallback), std::nullopt);
    return fallback;
  }
  const auto value = ParseInt(*raw);
  if (!value || *value < min || *value > max) {
    Record(name, std::to_string(fallback),
           std::string(name) + ": must be an integer in [" + std::to_string(min) + ", " +
               std::to_string(max) + "], got " + text::Quoted(*raw));
    return fallback;
  }
  Record(name, std::to_string(*value), std::nullopt);
  return *value;
}

std::uint16_t Env::Port(std::string_view name, std::uint16_t fallback) {
  return static_cast<std::uint16_t>(Int(name, fallback, 1, 65535));
}

std::chrono::milliseconds Env::Millis(std::string_view name, std::chrono::milliseconds fallback,
                                      std::chrono::milliseconds min,
                                      std::chrono::milliseconds max) {
  const auto raw = Lookup(name);
  if (!raw) {
    Record(name, MillisText(fallback), std::nullopt);
    return fallback;
  }
  const auto value = ParseMillis(*raw);
  if (!value || *value < min || *value > max) {
    Record(name, MillisText(fallback),
           std::string(name) + ": must be a duration in [" + MillisText(min) + ", " +
               MillisText(max) + "] (milliseconds, or a number with unit ms, s, m or h), got " +
               text::Quoted(*raw));
    return fallback;
  }
  Record(name, MillisText(*value), std::nullopt);
  return *value;
}

bool Env::Bool(std::string_view name, bool fallback) {
  const auto raw = Lookup(name);
  const auto text = [](bool b) { return std::string(b ? "true" : "false"); };
  if (!raw) {
    Record(name, text(fallback), std::nullopt);
    return fallback;
  }
  const auto value = ParseBool(*raw);
  if (!value) {
    Record(name, text(fallback),
           std::string(name) + ": must be one of true, false, 1, 0, yes, no, got " +
               text::Quoted(*raw));
    return fallback;
  }
  Record(name, text(*value), std::nullopt);
  return *value;
}

Status Env::Check() const {
  std::string message;
  for (const auto& read : reads_) {
    if (!read.error) continue;
    if (!message.empty()) message += "; ";
    message += *read.error;
  }
  if (message.empty()) return OkStatus();
  return InvalidArgumentError(std::move(message));
}

std::vector<std::pair<std::string, std::string>> Env::Describe() const {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.reserve(reads_.size());
  for (const auto& read : reads_) lines.emplace_back(read.name, read.shown);
  return lines;
}

}  // namespace market::config
