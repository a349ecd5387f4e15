#include "market/common/text.hpp"

namespace market::text {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The length of the well-formed sequence that starts `text`, or 0 when it is not one. The byte
// ranges are RFC 3629 section 4's: the second byte's range excludes overlong forms, surrogates
// and code points above U+10FFFF.
std::size_t SequenceLength(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong ASCII) or F5..FF
  }
  if (text.size() < length) return 0;
  const auto second = static_cast<unsigned char>(text[1]);
  if (second < second_min || second > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text[i]))) return 0;
  }
  return length;
}

bool IsLineBreakOrTab(unsigned char byte) { return byte == '\n' || byte == '\r' || byte == '\t'; }

}  // namespace

bool IsAsciiWhiteSpace(char c) { return kAsciiWhiteSpace.find(c) != std::string_view::npos; }

bool IsValidUtf8(std::string_view text) {
  while (!text.empty()) {
    const std::size_t length = SequenceLength(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

std::size_t CodePointCount(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if (!IsContinuation(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

bool HasControlCharacter(std::string_view text, Lines lines) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
      if (lines == Lines::kMulti && IsLineBreakOrTab(byte)) continue;
      return true;
    }
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string_view Trim(std::string_view text, std::string_view white_space) {
  const auto first = text.find_first_not_of(white_space);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(white_space);
  return text.substr(first, last - first + 1);
}

std::string CollapseWhiteSpace(std::string_view text) {
  std::string collapsed;
  collapsed.reserve(text.size());
  bool pending_space = false;
  for (const char c : Trim(text)) {
    if (IsAsciiWhiteSpace(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) collapsed += ' ';
    pending_space = false;
    collapsed += c;
  }
  return collapsed;
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = ToLowerAscii(c);
  return lower;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

std::string Quoted(std::string_view text, std::size_t max_code_points) {
  std::size_t end = 0;
  std::size_t code_points = 0;
  while (end < text.size()) {
    if (!IsContinuation(static_cast<unsigned char>(text[end]))) {
      if (code_points == max_code_points) break;
      ++code_points;
    }
    ++end;
  }
  std::string quoted = "\"";
  quoted.append(text.substr(0, end));
  if (end < text.size()) quoted += "...";
  quoted += '"';
  return quoted;
}

}  // namespace market::text
