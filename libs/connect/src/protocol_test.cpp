#include "protocol.hpp"

#include <catch2/catch.hpp>

#include <set>

namespace market::connect::internal {
namespace {

TEST_CASE("Connect-Timeout-Ms is a positive integer of at most 10 digits", "[protocol]") {
  CHECK(*ParseTimeout("1") == std::chrono::milliseconds(1));
  CHECK(*ParseTimeout("1500") == std::chrono::milliseconds(1500));
  CHECK(*ParseTimeout("9999999999") == std::chrono::milliseconds(9999999999));
  for (const std::string_view bad :
       {"", "0", "00", "-5", "+5", "1.5", "12ms", " 10", "10 ", "abc", "12345678901"}) {
    INFO(bad);
    const auto parsed = ParseTimeout(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status() ==
          InvalidArgumentError("Connect-Timeout-Ms: \"" + std::string(bad) +
                               "\" is not a positive integer of at most 10 digits"));
  }
}

TEST_CASE("GET parameters are percent-decoded, in any order, unknown ones ignored", "[protocol]") {
  const auto query = ParseGetQuery(
      "cachebust=123&message=%7B%22echoText%22%3A%22a+b%22%7D&base64=0&encoding=json&connect=v1");
  REQUIRE(query.ok());
  CHECK(query->connect == "v1");
  CHECK(query->encoding == "json");
  CHECK(query->message == R"({"echoText":"a b"})");
  CHECK_FALSE(query->base64);
  CHECK_FALSE(query->compression.has_value());

  const auto binary = ParseGetQuery("base64=1&encoding=proto&message=CgNhYmM&compression=identity");
  REQUIRE(binary.ok());
  CHECK(binary->base64);
  CHECK(binary->message == "CgNhYmM");
  CHECK(binary->compression == "identity");
  CHECK_FALSE(binary->connect.has_value());
}

TEST_CASE("a repeated GET parameter keeps its first value", "[protocol]") {
  const auto query = ParseGetQuery("encoding=json&encoding=proto&message=&&=x");
  REQUIRE(query.ok());
  CHECK(query->encoding == "json");
  CHECK(query->message == "");
}

TEST_CASE("a malformed percent escape in the query is invalid_argument", "[protocol]") {
  for (const std::string_view bad : {"message=%", "message=%4", "message=%zz", "enc%g=json"}) {
    INFO(bad);
    const auto query = ParseGetQuery(bad);
    REQUIRE_FALSE(query.ok());
    CHECK(query.status().code() == StatusCode::kInvalidArgument);
  }
  // Unknown parameters are not even decoded, so their escapes do not matter.
  CHECK(ParseGetQuery("other=%zz&encoding=json").ok());
}

TEST_CASE("URL-safe base64 decodes with or without padding", "[protocol]") {
  CHECK(DecodeBase64Url("") == "");
  CHECK(DecodeBase64Url("YQ") == "a");
  CHECK(DecodeBase64Url("YQ==") == "a");
  CHECK(DecodeBase64Url("YWI") == "ab");
  CHECK(DecodeBase64Url("YWI=") == "ab");
  CHECK(DecodeBase64Url("YWJj") == "abc");
  CHECK(DecodeBase64Url("-_8") == std::string("\xfb\xff", 2));
  CHECK(DecodeBase64Url("+/8") == std::nullopt);  // the standard alphabet is not URL-safe
  CHECK(DecodeBase64Url("Y") == std::nullopt);
  CHECK(DecodeBase64Url("YQ=") == std::nullopt);
  CHECK(DecodeBase64Url("Y Q") == std::nullopt);
}

TEST_CASE("standard base64 is written unpadded and read with or without padding", "[protocol]") {
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
      {std::string("\x0a\x02\x08\x3c", 4), "CgIIPA", "CgIIPA=="},  // the spec's RetryInfo
  };
  for (const auto& row : rows) {
    CAPTURE(row.unpadded);
    CHECK(EncodeBase64(row.bytes) == row.unpadded);
    CHECK(DecodeBase64(row.unpadded) == row.bytes);
    CHECK(DecodeBase64(row.padded) == row.bytes);
  }
  CHECK(DecodeBase64("-_8") == std::nullopt);  // the URL-safe alphabet is not standard
  CHECK(DecodeBase64("Y") == std::nullopt);
  CHECK(DecodeBase64("YQ=") == std::nullopt);
  CHECK(DecodeBase64("YQ\n") == std::nullopt);
}

TEST_CASE("request ids are 32 hex characters and do not repeat", "[protocol]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace market::connect::internal
