#include "market/common/base64url.hpp"

#include <catch2/catch.hpp>

namespace market {
namespace {

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[base64url]") {
  const std::pair<std::string, std::string> rows[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : rows) {
    CAPTURE(bytes);
    CHECK(Base64UrlEncode(bytes) == text);
    const auto decoded = Base64UrlDecode(text);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == bytes);
  }
}

TEST_CASE("base64url uses - and _ where standard base64 uses + and /", "[base64url]") {
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK(Base64UrlEncode("\xfb\xef\xbe") == "----");
  CHECK(Base64UrlEncode("\xff\xff\xff") == "____");
}

TEST_CASE("every byte value survives a round trip", "[base64url]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    const std::string prefix = bytes.substr(0, length);
    CAPTURE(length);
    CHECK(Base64UrlDecode(Base64UrlEncode(prefix)) == prefix);
  }
  CHECK(Base64UrlDecode(Base64UrlEncode(bytes)) == bytes);
}

TEST_CASE("canonical decoding rejects padding, other alphabets and second spellings",
          "[base64url]") {
  const std::string rows[] = {
      "Zg==",   // padding
      "Zm8=",   // padding
      "Zm+v",   // standard alphabet
      "Zm/v",   // standard alphabet
      "Z",      // a lone character is less than a byte
      "Zm9vY",  // likewise after full groups
      " Zg",    // whitespace
      "Zg\n",   // whitespace
      "Zm9v.",  // separator
      "Zh",     // non-zero unused bits: a second spelling of "f"
      "Zm9",    // non-zero unused bits: a second spelling of "fo"
      std::string("Z\0g", 3),
  };
  for (const auto& text : rows) {
    CAPTURE(text);
    CHECK_FALSE(Base64UrlDecode(text).has_value());
  }
}

TEST_CASE("lenient decoding takes optional padding and any unused bits", "[base64url]") {
  const auto lenient = [](std::string_view text) {
    return Base64UrlDecode(text, Base64Decoding::kLenient);
  };
  CHECK(lenient("") == "");
  CHECK(lenient("YQ") == "a");
  CHECK(lenient("YQ==") == "a");
  CHECK(lenient("YWI") == "ab");
  CHECK(lenient("YWI=") == "ab");
  CHECK(lenient("YWJj") == "abc");
  CHECK(lenient("-_8") == std::string("\xfb\xff", 2));
  CHECK(lenient("YR") == "a");            // unused bits set, as some encoders leave them
  CHECK(lenient("+/8") == std::nullopt);  // the standard alphabet is not URL-safe
  CHECK(lenient("Y") == std::nullopt);
  CHECK(lenient("YQ=") == std::nullopt);  // padding that does not complete a group
  CHECK(lenient("YQ===") == std::nullopt);
  CHECK(lenient("====") == std::nullopt);
  CHECK(lenient("Y Q") == std::nullopt);
}

}  // namespace
}  // namespace market

TEST_CASE("standard base64 is written unpadded and read leniently with or without padding",
          "[base64]") {
  struct Row {
    std::string bytes;
    std::string_view unpadded;
    std::string_view padded;
  };
  const Row rows[] = {
      {"", "", ""},
      {"a", "YQ", "YQ=="},
      {"ab", "YWI", "YWI="},
      {"abc", "YWJj", "YWJj"},
      {std::string("\xfb\xff", 2), "+/8", "+/8="},
      {std::string("\x0a\x02\x08\x3c", 4), "CgIIPA", "CgIIPA=="},  // the Connect spec's RetryInfo
  };
  for (const auto& row : rows) {
    CAPTURE(row.unpadded);
    CHECK(market::Base64Encode(row.bytes) == row.unpadded);
    CHECK(market::Base64Decode(row.unpadded, market::Base64Decoding::kLenient) == row.bytes);
    CHECK(market::Base64Decode(row.padded, market::Base64Decoding::kLenient) == row.bytes);
  }
  CHECK(market::Base64Decode("-_8", market::Base64Decoding::kLenient) == std::nullopt);
  CHECK(market::Base64Decode("Y", market::Base64Decoding::kLenient) == std::nullopt);
  CHECK(market::Base64Decode("YQ=", market::Base64Decoding::kLenient) == std::nullopt);
  CHECK(market::Base64Decode("YQ\n", market::Base64Decoding::kLenient) == std::nullopt);
}
