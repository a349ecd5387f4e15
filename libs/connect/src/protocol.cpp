#include "protocol.hpp"

#include <array>
#include <cstdint>
#include <random>

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

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Base64Table = std::array<std::int8_t, 256>;

constexpr Base64Table MakeBase64Table(std::string_view alphabet) {
  Base64Table table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr Base64Table kBase64 = MakeBase64Table(kBase64Alphabet);
constexpr Base64Table kBase64Url = MakeBase64Table(kBase64UrlAlphabet);

std::optional<std::string> DecodeBase64With(std::string_view text, const Base64Table& table) {
  // Padding is optional; when present it must complete the last quantum.
  if (text.size() % 4 == 0 && !text.empty()) {
    std::size_t padding = 0;
    while (padding < 2 && text.size() > padding && text[text.size() - 1 - padding] == '=') {
      ++padding;
    }
    text.remove_suffix(padding);
  }
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int sextet = table[static_cast<unsigned char>(c)];
    if (sextet < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(sextet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
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

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  return DecodeBase64With(text, kBase64Url);
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Alphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64Alphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  return DecodeBase64With(text, kBase64);
}

std::string NewRequestId() {
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

}  // namespace market::connect::internal
