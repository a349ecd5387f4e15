#include "market/connect/page_token.hpp"

#include <catch2/catch.hpp>

namespace market::connect {
namespace {

TEST_CASE("a page token carries its list's keys there and back", "[page_token]") {
  const std::string token = EncodePageToken("jobs.mine", {"42", "108.50"});
  const auto keys = DecodePageToken(token, "jobs.mine", 2);
  REQUIRE(keys.ok());
  CHECK(*keys == std::vector<std::string>{"42", "108.50"});
  CHECK(DecodePageToken("", "jobs.mine", 2)->empty());  // the first page
}

TEST_CASE("a token of another list, of another shape or not a token is refused", "[page_token]") {
  const std::string token = EncodePageToken("jobs.mine", {"42"});
  for (const auto& refused :
       {DecodePageToken(token, "bids.mine", 1), DecodePageToken(token, "jobs.mine", 2),
        DecodePageToken("%%%", "jobs.mine", 1),
        DecodePageToken(std::string(600, 'A'), "jobs.mine", 1)}) {
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
    CHECK(refused.status().message().starts_with("page.page_token: "));
  }
  CHECK(PageKeyAsInt("17").value() == 17);
  CHECK_FALSE(PageKeyAsInt("-1").ok());
  CHECK_FALSE(PageKeyAsInt("1x").ok());
}

TEST_CASE("page sizes: 0 is the default, the maximum is the bound", "[page_token]") {
  CHECK(CheckPageSize(0, 20, 100).value() == 20);
  CHECK(CheckPageSize(100, 20, 100).value() == 100);
  for (const int size : {-1, 101}) {
    const auto refused = CheckPageSize(size, 20, 100);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message() ==
          "page.page_size: must be between 0 (the default, 20) and 100");
  }
}

}  // namespace
}  // namespace market::connect
