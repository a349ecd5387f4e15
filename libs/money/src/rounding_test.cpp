#include "market/money/rounding.hpp"

#include <catch2/catch.hpp>

#include <numeric>

namespace market::money {
namespace {

Money Make(std::string_view currency, std::int64_t minor_units) {
  auto money = Money::Of(currency, minor_units);
  REQUIRE(money.ok());
  return *money;
}

TEST_CASE("division rounds half to even", "[money]") {
  const std::tuple<int, int, int> rows[] = {
      {5, 2, 2},  {7, 2, 4},  {1, 2, 0},    {3, 2, 2}, {-5, 2, -2}, {-7, 2, -4},
      {10, 3, 3}, {11, 3, 4}, {-11, 3, -4}, {0, 7, 0}, {25, 10, 2}, {35, 10, 4},
  };
  for (const auto& [numerator, denominator, expected] : rows) {
    CAPTURE(numerator, denominator);
    CHECK(static_cast<int>(DivideHalfEven(numerator, denominator)) == expected);
  }
}

TEST_CASE("a fee in basis points rounds half-even", "[money]") {
  CHECK(*BasisPointsOf(Make("USD", 100000), 1000) == Make("USD", 10000));
  CHECK(*BasisPointsOf(Make("USD", 5), 1000) == Make("USD", 0));   // 0.5 -> 0
  CHECK(*BasisPointsOf(Make("USD", 15), 1000) == Make("USD", 2));  // 1.5 -> 2
  CHECK(*BasisPointsOf(Make("JPY", 1), 1000) == Make("JPY", 0));
  CHECK(BasisPointsOf(Make("USD", 1), 10001).status().code() == StatusCode::kInvalidArgument);
  CHECK(BasisPointsOf(Make("USD", 1), -1).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a three-way split of an odd amount sums exactly with its remainder", "[money]") {
  const std::int64_t thirds[] = {1, 1, 1};
  for (const std::int64_t odd : {1LL, 2LL, 5LL, 1001LL, 100001LL, 999999999999999999LL}) {
    for (const char* currency : {"USD", "JPY", "KWD"}) {
      CAPTURE(odd, currency);
      const Money total = Make(currency, odd);
      const auto split = Split(total, thirds);
      REQUIRE(split.ok());
      REQUIRE(split->parts.size() == 3);
      std::int64_t sum = split->remainder.minor_units();
      for (const Money& part : split->parts) sum += part.minor_units();
      CHECK(sum == odd);
      CHECK(std::abs(split->remainder.minor_units()) < 3);
    }
  }
  // 10.01 / 3 = 3.3367 each -> 3.34 each; the parts overshoot by 0.01.
  const auto split = Split(Make("USD", 1001), thirds);
  CHECK(split->parts[0] == Make("USD", 334));
  CHECK(split->remainder == Make("USD", 1001 - 3 * 334));  // -0.01 USD
}

TEST_CASE("split weights must be sensible", "[money]") {
  const std::int64_t none[] = {0, 0};
  const std::int64_t negative[] = {2, -1};
  CHECK(Split(Make("USD", 10), none).status().code() == StatusCode::kInvalidArgument);
  CHECK(Split(Make("USD", 10), negative).status().code() == StatusCode::kInvalidArgument);
  CHECK(Split(Make("USD", 10), {}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace market::money
