// ExactRate: an exchange rate as an exact decimal, and conversion of Money at it (DESIGN.md,
// money rules 1 and 7: no floating point; FX rates are exact decimals; rounding is half-even).
//
//   MARKET_ASSIGN_OR_RETURN(auto rate, market::money::ExactRate::Parse("1.0842", "rate"));
//   MARKET_ASSIGN_OR_RETURN(auto usd, market::money::Convert(eur_900_00, rate, "USD"));
//   // 975.78 USD: 900.00 * 1.0842 = 975.78 exactly
//
// A rate says how many major units of the quote currency one major unit of the base currency
// buys. Its text has at most kMaxRateFractionDigits decimals and kMaxRateDigits digits in all, so
// that every conversion of an int64 amount is computed exactly in 128-bit integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "market/common/statusor.hpp"
#include "market/money/money.hpp"

namespace market::money {

inline constexpr int kMaxRateFractionDigits = 12;
inline constexpr int kMaxRateDigits = 18;

class ExactRate {
 public:
  // "1", "1.0842", "0.000913": digits with an optional fraction, positive, within the limits
  // above. Anything else is invalid_argument naming `field_name`.
  static StatusOr<ExactRate> Parse(std::string_view text, std::string_view field_name);
  // The rate 1, for a contract paid in its own currency.
  static ExactRate One() { return ExactRate(1, 0); }

  // The rate as value / 10^scale, with no trailing fractional zeros.
  std::int64_t value() const { return value_; }
  int scale() const { return scale_; }
  // Canonical text: no trailing fractional zeros, no leading zeros ("1.0842", "0.5", "3").
  std::string ToString() const;

  friend bool operator==(const ExactRate&, const ExactRate&) = default;

 private:
  ExactRate(std::int64_t value, int scale) : value_(value), scale_(scale) {}
  std::int64_t value_;
  int scale_;
};

// `amount` converted into `to_currency` at `rate`, rounded half-even to the target's minor unit.
// invalid_argument for an unknown `to_currency`; out_of_range when the result leaves int64.
StatusOr<Money> Convert(const Money& amount, const ExactRate& rate, std::string_view to_currency);

}  // namespace market::money
