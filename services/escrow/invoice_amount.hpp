// What a week of hourly work costs (issue 11, weekly invoices): minutes x hourly rate / 60 in
// minor units of the contract's currency, rounded half-even to the minor unit (DESIGN.md, money
// rule 7: no floating point; ties go to the even unit, so rounding favours neither side on
// average). Exact: the product is formed in 128 bits.
//
//   InvoiceAmount(90, 5000)  == 7500   // 1 h 30 min at 50.00 an hour: 75.00
//   InvoiceAmount(1, 30)     == 0      // 0.5 minor units, a tie: down to the even 0
//   InvoiceAmount(3, 30)     == 2      // 1.5: up to the even 2
#pragma once

#include <cstdint>

#include "market/money/rounding.hpp"

namespace market::escrow {

inline constexpr int kMinutesPerHour = 60;

inline std::int64_t InvoiceAmount(std::int64_t minutes, std::int64_t hourly_rate_minor_units) {
  return static_cast<std::int64_t>(money::DivideHalfEven(
      static_cast<__int128>(minutes) * hourly_rate_minor_units, kMinutesPerHour));
}

}  // namespace market::escrow
