#include "market/money/money.hpp"

#include <catch2/catch.hpp>

#include <limits>

namespace market::money {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Money Make(std::string_view currency, std::int64_t minor_units) {
  auto money = Money::Of(currency, minor_units);
  REQUIRE(money.ok());
  return *money;
}

TEST_CASE("money is made only in currencies of the table", "[money]") {
  const auto usd = Money::Of("USD", 1234);
  REQUIRE(usd.ok());
  CHECK(usd->currency() == "USD");
  CHECK(usd->minor_units() == 1234);
  CHECK(usd->exponent() == 2);
  CHECK(Make("JPY", 5).exponent() == 0);
  CHECK(Make("KWD", 5).exponent() == 3);

  const std::pair<std::string_view, std::string> rows[] = {
      {"XYZ", R"(currency: unknown ISO 4217 code "XYZ")"},
      {"XAU", R"(currency: unknown ISO 4217 code "XAU")"},
      {"usd", R"(currency: unknown ISO 4217 code "usd" (codes are upper case))"},
      {"Eur", R"(currency: unknown ISO 4217 code "Eur" (codes are upper case))"},
      {"", "currency: is required"},
      {"DOLLARS-OF-THE-UNITED-STATES", R"(currency: unknown ISO 4217 code "DOLLARS-OF-THE-U...")"},
  };
  for (const auto& [code, message] : rows) {
    CAPTURE(code);
    CHECK(Money::Of(code, 100).status() == InvalidArgumentError(message));
  }
}

TEST_CASE("money from a request names the field of a bad currency", "[money]") {
  market::common::v1::Money proto;
  proto.set_currency("EUR");
  proto.set_minor_units(-250);
  const auto money = Money::FromProto(proto, "budget");
  REQUIRE(money.ok());
  CHECK(*money == Make("EUR", -250));

  proto.set_currency("XYZ");
  CHECK(Money::FromProto(proto, "budget").status() ==
        InvalidArgumentError(R"(budget.currency: unknown ISO 4217 code "XYZ")"));
  proto.set_currency("");
  CHECK(Money::FromProto(proto, "bid.amount").status() ==
        InvalidArgumentError("bid.amount.currency: is required"));
}

TEST_CASE("money goes to and from its proto unchanged", "[money]") {
  for (const auto& money : {Make("USD", 1234), Make("JPY", kMax), Make("KWD", kMin)}) {
    const auto proto = money.ToProto();
    CHECK(proto.currency() == money.currency());
    CHECK(proto.minor_units() == money.minor_units());
    CHECK(*Money::FromProto(proto, "x") == money);
  }
}

TEST_CASE("decimal amounts parse exactly with the currency's exponent", "[money]") {
  struct Row {
    std::string_view text;
    std::string_view currency;
    std::int64_t minor_units;
  };
  const Row rows[] = {
      {"12.34", "USD", 1234},
      {"12.3", "USD", 1230},
      {"12", "USD", 1200},
      {"0.01", "USD", 1},
      {"-0.05", "USD", -5},
      {"-0", "USD", 0},
      {"007.10", "EUR", 710},
      {"1000", "JPY", 1000},
      {"1.234", "KWD", 1234},
      {"1.2", "KWD", 1200},
      {"0.001", "BHD", 1},
      {"92233720368547758.07", "USD", kMax},
      {"-92233720368547758.08", "USD", kMin},
      {"9223372036854775807", "JPY", kMax},
      {"-9223372036854775808", "JPY", kMin},
      {"9223372036854775.807", "KWD", kMax},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text, row.currency);
    const auto money = Money::Parse(row.text, row.currency);
    REQUIRE(money.ok());
    CHECK(money->currency() == row.currency);
    CHECK(money->minor_units() == row.minor_units);
  }
}

TEST_CASE("malformed, over-precise and out-of-range amounts are rejected", "[money]") {
  struct Row {
    std::string_view text;
    std::string_view currency;
    std::string message;
  };
  const std::string syntax = R"(amount: must be a decimal number such as "12.34", got )";
  const Row rows[] = {
      {"12.345", "USD", R"(amount: at most 2 decimal places for USD, got "12.345")"},
      {"0.001", "EUR", R"(amount: at most 2 decimal places for EUR, got "0.001")"},
      {"1.2345", "KWD", R"(amount: at most 3 decimal places for KWD, got "1.2345")"},
      {"1000.5", "JPY", R"(amount: must be a whole number for JPY, got "1000.5")"},
      {"1000.0", "JPY", R"(amount: must be a whole number for JPY, got "1000.0")"},
      {"", "USD", syntax + R"("")"},
      {"-", "USD", syntax + R"("-")"},
      {"+1.00", "USD", syntax + R"("+1.00")"},
      {"1.00-", "USD", syntax + R"("1.00-")"},
      {"--1", "USD", syntax + R"("--1")"},
      {"1-0", "USD", syntax + R"("1-0")"},
      {"-.5", "USD", syntax + R"("-.5")"},
      {".5", "USD", syntax + R"(".5")"},
      {"5.", "USD", syntax + R"("5.")"},
      {"1000.", "JPY", syntax + R"("1000.")"},
      {"1.2.3", "USD", syntax + R"("1.2.3")"},
      {"1,000.00", "USD", syntax + R"("1,000.00")"},
      {"1e3", "USD", syntax + R"("1e3")"},
      {" 1", "USD", syntax + R"(" 1")"},
      {"1 ", "USD", syntax + R"("1 ")"},
      {"NaN", "USD", syntax + R"("NaN")"},
      {"92233720368547758.08", "USD",
       R"(amount: out of range for USD, got "92233720368547758.08")"},
      {"-92233720368547758.09", "USD",
       R"(amount: out of range for USD, got "-92233720368547758.09")"},
      {"9223372036854775808", "JPY", R"(amount: out of range for JPY, got "9223372036854775808")"},
      {"100000000000000000000000000000000000", "JPY",
       R"(amount: out of range for JPY, got "10000000000000000000000000000000...")"},
      {"12.34", "XYZ", R"(currency: unknown ISO 4217 code "XYZ")"},
      {"12.34", "usd", R"(currency: unknown ISO 4217 code "usd" (codes are upper case))"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text, row.currency);
    CHECK(Money::Parse(row.text, row.currency).status() == InvalidArgumentError(row.message));
  }
}

TEST_CASE("amounts format with exactly the currency's decimals", "[money]") {
  struct Row {
    std::string_view currency;
    std::int64_t minor_units;
    std::string_view text;
  };
  const Row rows[] = {
      {"USD", 1234, "12.34"},
      {"USD", -5, "-0.05"},
      {"USD", 0, "0.00"},
      {"USD", 7, "0.07"},
      {"USD", 100, "1.00"},
      {"USD", -100000, "-1000.00"},
      {"JPY", 1000, "1000"},
      {"JPY", -1, "-1"},
      {"JPY", 0, "0"},
      {"KWD", 1234, "1.234"},
      {"KWD", 5, "0.005"},
      {"KWD", -1000, "-1.000"},
      {"USD", kMax, "92233720368547758.07"},
      {"USD", kMin, "-92233720368547758.08"},
      {"JPY", kMin, "-9223372036854775808"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.currency, row.minor_units);
    const Money money = Make(row.currency, row.minor_units);
    CHECK(money.ToDecimalString() == row.text);
    // Whatever is written reads back as the same amount.
    CHECK(*Money::Parse(money.ToDecimalString(), money.currency()) == money);
  }
}

TEST_CASE("adding and subtracting stays in one currency and never overflows", "[money]") {
  const Money ten = Make("USD", 1000);
  const Money three = Make("USD", 300);
  CHECK(*ten.Add(three) == Make("USD", 1300));
  CHECK(*ten.Subtract(three) == Make("USD", 700));
  CHECK(*three.Subtract(ten) == Make("USD", -700));
  CHECK(*Make("USD", kMax - 1).Add(Make("USD", 1)) == Make("USD", kMax));
  CHECK(*Make("USD", kMin + 1).Subtract(Make("USD", 1)) == Make("USD", kMin));

  SECTION("currency mismatch") {
    CHECK(ten.Add(Make("EUR", 1)).status() ==
          InvalidArgumentError("currency: cannot add EUR to USD"));
    CHECK(ten.Subtract(Make("JPY", 1)).status() ==
          InvalidArgumentError("currency: cannot subtract JPY from USD"));
  }
  SECTION("overflow") {
    CHECK(Make("USD", kMax).Add(Make("USD", 1)).status() ==
          OutOfRangeError("amount: the sum is out of range for USD"));
    CHECK(Make("USD", kMin).Add(Make("USD", -1)).status() ==
          OutOfRangeError("amount: the sum is out of range for USD"));
    CHECK(Make("USD", kMin).Subtract(Make("USD", 1)).status() ==
          OutOfRangeError("amount: the difference is out of range for USD"));
    CHECK(Make("USD", 0).Subtract(Make("USD", kMin)).status() ==
          OutOfRangeError("amount: the difference is out of range for USD"));
  }
}

TEST_CASE("negation flips the sign except where int64 cannot", "[money]") {
  CHECK(*Make("USD", 5).Negate() == Make("USD", -5));
  CHECK(*Make("USD", kMax).Negate() == Make("USD", -kMax));
  CHECK(Make("USD", kMin).Negate().status() ==
        OutOfRangeError("amount: the negation is out of range for USD"));
}

TEST_CASE("equal money means the same currency and the same minor units", "[money]") {
  CHECK(Make("USD", 100) == Make("USD", 100));
  CHECK_FALSE(Make("USD", 100) == Make("USD", 101));
  CHECK_FALSE(Make("USD", 100) == Make("EUR", 100));
  CHECK(Make("USD", 0).IsZero());
  CHECK(Make("USD", -1).IsNegative());
  CHECK_FALSE(Make("USD", 1).IsNegative());
}

}  // namespace
}  // namespace market::money
