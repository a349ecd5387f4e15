#include "market/money/country.hpp"

#include <catch2/catch.hpp>

#include <set>

namespace market::money {
namespace {

TEST_CASE("assigned ISO 3166-1 alpha-2 codes are countries", "[country]") {
  for (const std::string_view code : {"DE", "US", "GB", "PT", "PL", "JP", "BR", "IN", "AD", "ZW",
                                      "AX", "CW", "SS", "BQ", "PS", "TW", "HK", "AQ"}) {
    CAPTURE(code);
    CHECK(IsCountryCode(code));
  }
}

TEST_CASE("codes that merely look like countries are rejected", "[country]") {
  for (const std::string_view code : {
           "XX",  "ZZ",  "AA",        "QM",  // user-assigned
           "XK",                             // Kosovo: user-assigned, in wide use, not ISO
           "UK",  "EU",  "UN",               // exceptionally reserved
           "AN",  "YU",  "CS",        "SU",  // withdrawn
           "de",  "De",  "dE",        "",    // case and emptiness
           "D",   "DEU", "276",              // alpha-3 and numeric forms
           " DE", "DE ", "D\xc3\x89",
       }) {
    CAPTURE(code);
    CHECK_FALSE(IsCountryCode(code));
  }
}

TEST_CASE("the country table is sorted, unique and two upper-case letters each", "[country]") {
  const auto all = AllCountryCodes();
  CHECK(all.size() == 249);
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < all.size(); ++i) {
    CAPTURE(all[i]);
    REQUIRE(all[i].size() == 2);
    CHECK((all[i][0] >= 'A' && all[i][0] <= 'Z' && all[i][1] >= 'A' && all[i][1] <= 'Z'));
    if (i > 0) CHECK(all[i - 1] < all[i]);
    CHECK(IsCountryCode(all[i]));
    seen.insert(all[i]);
  }
  CHECK(seen.size() == all.size());
}

}  // namespace
}  // namespace market::money
