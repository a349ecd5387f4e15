#include "market/money/currency.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace market::money {
namespace {

TEST_CASE("currencies carry their ISO 4217 minor-unit exponents", "[money]") {
  const std::pair<std::string_view, int> rows[] = {
      {"JPY", 0}, {"CLP", 0}, {"KRW", 0}, {"ISK", 0}, {"VND", 0}, {"UGX", 0},
      {"XAF", 0}, {"XOF", 0}, {"PYG", 0}, {"USD", 2}, {"EUR", 2}, {"GBP", 2},
      {"CHF", 2}, {"INR", 2}, {"BRL", 2}, {"CNY", 2}, {"XCD", 2}, {"KWD", 3},
      {"BHD", 3}, {"JOD", 3}, {"OMR", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3},
  };
  for (const auto& [code, exponent] : rows) {
    CAPTURE(code);
    const auto currency = FindCurrency(code);
    REQUIRE(currency.has_value());
    CHECK(currency->code == code);
    CHECK(currency->exponent == exponent);
  }
}

TEST_CASE("funds, metals, testing codes and anything not upper-case ISO are not currencies",
          "[money]") {
  for (const std::string_view code :
       {"XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU",  "XUA",  "XTS", "XXX",
        "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN",  "UYI",  "UYW", "HRK",
        "XYZ", "usd", "Usd", "eur", "",    "US",  "USDD", " USD", "US$"}) {
    CAPTURE(code);
    CHECK_FALSE(FindCurrency(code).has_value());
  }
}

TEST_CASE("the table is sorted, unique and well formed", "[money]") {
  const auto all = AllCurrencies();
  CHECK(all.size() > 150);
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& currency = all[i];
    CAPTURE(currency.code);
    CHECK(currency.code.size() == 3);
    for (const char c : currency.code) CHECK((c >= 'A' && c <= 'Z'));
    CHECK((currency.exponent == 0 || currency.exponent == 2 || currency.exponent == 3));
    if (i > 0) CHECK(all[i - 1].code < currency.code);
    seen.insert(currency.code);
    REQUIRE(FindCurrency(currency.code).has_value());
  }
  CHECK(seen.size() == all.size());
}

}  // namespace
}  // namespace market::money
