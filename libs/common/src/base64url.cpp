#include "market/common/base64url.hpp"

#include <array>
#include <cstdint>

namespace market {
namespace {

// RFC 4648: section 5 (URL-safe) and section 4 (standard) differ only in their last two letters.
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable MakeDecodeTable(std::string_view alphabet) {
  DecodeTable table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr DecodeTable kUrlDecode = MakeDecodeTable(kUrlAlphabet);
constexpr DecodeTable kStandardDecode = MakeDecodeTable(kStandardAlphabet);

std::string Encode(std::string_view bytes, std::string_view alphabet) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group =
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
        static_cast<unsigned char>(bytes[i + 2]);
    text += alphabet[(group >> 18) & 63];
    text += alphabet[(group >> 12) & 63];
    text += alphabet[(group >> 6) & 63];
    text += alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]))
                                << 16;
    text += alphabet[(group >> 18) & 63];
    text += alphabet[(group >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t group =
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    text += alphabet[(group >> 18) & 63];
    text += alphabet[(group >> 12) & 63];
    text += alphabet[(group >> 6) & 63];
  }
  return text;
}

std::optional<std::string> Decode(std::string_view text, Base64Decoding decoding,
                                  const DecodeTable& table) {
  if (decoding == Base64Decoding::kLenient && !text.empty() && text.size() % 4 == 0) {
    // Padding may only complete the last group of four.
    std::size_t padding = 0;
    while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
    text.remove_suffix(padding);
  }
  // A single leftover character carries only 6 bits, less than one byte.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const std::int8_t value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // The unused low bits of the last character must be zero for the encoding to be canonical.
  if (decoding == Base64Decoding::kCanonical && (buffer & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrlAlphabet); }

std::optional<std::string> Base64UrlDecode(std::string_view text, Base64Decoding decoding) {
  return Decode(text, decoding, kUrlDecode);
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStandardAlphabet); }

std::optional<std::string> Base64Decode(std::string_view text, Base64Decoding decoding) {
  return Decode(text, decoding, kStandardDecode);
}

}  // namespace market
