// The one country table: ISO 3166-1 alpha-2 codes, which accounts, tokens and profiles carry.
// It sits next to the currency table because the two are checked together (an account has a
// country and a preferred currency) and because the money rules will need the country for tax
// withholding.
//
//   market::money::IsCountryCode("DE") == true
//   market::money::IsCountryCode("de") == false   // codes are upper case
//   market::money::IsCountryCode("XX") == false   // shaped like a code, but not assigned
//   market::money::IsCountryCode("XK") == false   // user-assigned (Kosovo), not official
//
// Only the officially assigned codes count; reserved, transitional and user-assigned ones do not.
#pragma once

#include <span>
#include <string_view>

namespace market::money {

// Exact, upper-case match against the officially assigned codes.
bool IsCountryCode(std::string_view code);
// The whole table, sorted.
std::span<const std::string_view> AllCountryCodes();

}  // namespace market::money
