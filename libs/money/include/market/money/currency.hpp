// The one currency table (DESIGN.md, money rule 1): every active ISO 4217 currency with the
// number of decimal digits of its minor unit.
//
//   const auto currency = market::money::FindCurrency("KWD");   // {"KWD", 3}: 1 dinar = 1000 fils
//   if (!currency) return market::InvalidArgumentError("currency: unknown ISO 4217 code");
//
// Fund codes (BOV, CHE, CLF, USN, ...), precious metals (XAU, XAG, ...), special drawing rights
// and bond units (XDR, XBA, ...) and the testing codes (XTS, XXX) are not money users hold, so
// they are not in the table. Codes match exactly: "usd" is not a currency.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace market::money {

struct Currency {
  std::string_view code;  // ISO 4217 alphabetic code, upper case
  int exponent;           // digits of the minor unit: JPY 0, USD 2, KWD 3
};

std::optional<Currency> FindCurrency(std::string_view code);
// The whole table, sorted by code.
std::span<const Currency> AllCurrencies();

}  // namespace market::money
