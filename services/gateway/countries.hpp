// The ISO 3166-1 alpha-2 country table accounts are validated against.
//
//   IsCountryCode("DE") == true;  IsCountryCode("de") == false;  IsCountryCode("XX") == false
#pragma once

#include <string_view>

namespace market::gateway {

// Exact, upper-case match against the officially assigned codes.
bool IsCountryCode(std::string_view code);

}  // namespace market::gateway
