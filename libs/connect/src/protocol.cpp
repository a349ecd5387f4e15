#include "protocol.hpp"

#include <cstdint>

namespace market::connect::internal {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

StatusOr<std::chrono::milliseconds> ParseTimeout(std::string_view value) {
  auto malformed = [&] {
    return InvalidArgumentError("Connect-Timeout-Ms: \"" + std::string(value) +
                                "\" is not a positive integer of at most 10 digits");
  };
  if (value.empty() || value.size() > 10) return malformed();
  std::int64_t millis = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return malformed();
    millis = millis * 10 + (c - '0');
  }
  if (millis == 0) return malformed();
  return std::chrono::milliseconds(millis);
}

StatusOr<GetQuery> ParseGetQuery(std::string_view query) {
  GetQuery result;
  std::string key;
  std::string value;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string_view raw_key = pair.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    if (!PercentDecode(raw_key, key)) {
      return InvalidArgumentError("query: malformed percent-encoding in a parameter name");
    }
    std::optional<std::string>* slot = nullptr;
    bool is_base64 = false;
    if (key == "connect") {
      slot = &result.connect;
    } else if (key == "encoding") {
      slot = &result.encoding;
    } else if (key == "message") {
      slot = &result.message;
    } else if (key == "compression") {
      slot = &result.compression;
    } else if (key == "base64") {
      is_base64 = true;
    } else {
      continue;  // the spec lets clients add parameters, e.g. cache busters
    }
    if (!PercentDecode(raw_value, value)) {
      return InvalidArgumentError("query: malformed percent-encoding in parameter " + key);
    }
    if (is_base64) {
      result.base64 = value == "1";
    } else if (!slot->has_value()) {
      *slot = std::move(value);
      value = std::string();
    }
  }
  return result;
}

}  // namespace market::connect::internal
