#include "market/money/exact_rate.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace market::money {
namespace {

Money Make(std::string_view currency, std::int64_t minor_units) {
  auto money = Money::Of(currency, minor_units);
  REQUIRE(money.ok());
  return *money;
}

ExactRate Rate(std::string_view text) {
  auto rate = ExactRate::Parse(text, "rate");
  REQUIRE(rate.ok());
  return *rate;
}

TEST_CASE("rates are exact decimals in canonical form", "[money]") {
  const std::pair<std::string_view, std::string_view> rows[] = {
      {"1", "1"},
      {"1.0842", "1.0842"},
      {"1.084200", "1.0842"},
      {"0.000913", "0.000913"},
      {"007.50", "7.5"},
      {"149.000000000001", "149.000000000001"},
      {"0.000000000001", "0.000000000001"},
  };
  for (const auto& [text, canonical] : rows) {
    CAPTURE(text);
    CHECK(Rate(text).ToString() == canonical);
  }
  CHECK(Rate("1.50") == Rate("1.5"));
}

TEST_CASE("a rate that is not a positive exact decimal within the limits is refused", "[money]") {
  for (const std::string_view text : {"", "0", "0.000", "-1.2", "1e3", "1,5", ".5", "5.", " 1",
                                      "1.0000000000001", "1234567890123456789", "NaN"}) {
    CAPTURE(text);
    const auto rate = ExactRate::Parse(text, "rates[0].rate");
    REQUIRE_FALSE(rate.ok());
    CHECK(rate.status().code() == StatusCode::kInvalidArgument);
    CHECK(rate.status().message().rfind("rates[0].rate: ", 0) == 0);
  }
}

TEST_CASE("conversion at an exact rate is exact to the minor unit, rounded half-even", "[money]") {
  // 900.00 EUR * 1.0842 = 975.78 USD exactly.
  CHECK(*Convert(Make("EUR", 90000), Rate("1.0842"), "USD") == Make("USD", 97578));
  // 1 JPY * 0.0067 = 0.0067 USD: rounds to 0.01 USD.
  CHECK(*Convert(Make("JPY", 1), Rate("0.0067"), "USD") == Make("USD", 1));
  // Exponent changes in both directions: 0.001 KWD * 3.25 = 0.00325 USD -> 0.00 USD (ties even).
  CHECK(*Convert(Make("KWD", 1), Rate("3.25"), "USD") == Make("USD", 0));
  CHECK(*Convert(Make("KWD", 2), Rate("3.25"), "USD") == Make("USD", 1));       // 0.0065 -> 0.01
  CHECK(*Convert(Make("USD", 100), Rate("149.5"), "JPY") == Make("JPY", 150));  // 149.5 -> 150
  CHECK(*Convert(Make("USD", 100), Rate("148.5"), "JPY") == Make("JPY", 148));  // 148.5 -> 148
  CHECK(*Convert(Make("USD", 1), Rate("0.3075"), "KWD") == Make("KWD", 3));     // 0.003075
  // Ties go to the even neighbour, also below zero.
  CHECK(*Convert(Make("EUR", -5), Rate("0.5"), "EUR") == Make("EUR", -2));
  CHECK(*Convert(Make("EUR", -7), Rate("0.5"), "EUR") == Make("EUR", -4));
}

TEST_CASE("1 JPY and 0.001 KWD round-trip exactly through rate 1 and their text", "[money]") {
  for (const Money& money : {Make("JPY", 1), Make("KWD", 1)}) {
    CAPTURE(money);
    CHECK(*Convert(money, ExactRate::One(), money.currency()) == money);
    CHECK(*Money::Parse(money.ToDecimalString(), money.currency()) == money);
  }
  CHECK(Make("KWD", 1).ToDecimalString() == "0.001");
  CHECK(Make("JPY", 1).ToDecimalString() == "1");
}

TEST_CASE("a conversion that leaves int64 is out_of_range, never wrapped", "[money]") {
  const auto big = Convert(Make("JPY", std::numeric_limits<std::int64_t>::max()),
                           Rate("999999999999999999"), "KWD");
  CHECK(big.status().code() == StatusCode::kOutOfRange);
  CHECK(Convert(Make("USD", 1), Rate("1"), "XYZ").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace market::money
