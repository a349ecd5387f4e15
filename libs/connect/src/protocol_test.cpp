#include "protocol.hpp"

#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace market::connect::internal
