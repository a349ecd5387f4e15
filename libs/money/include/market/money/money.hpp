// Money: an exact amount in one currency, as int64 minor units (DESIGN.md, money rule 1).
//
// Never floating point. Every constructor validates the currency against the table in
// currency.hpp, and arithmetic refuses to mix currencies or to overflow:
//
//   MARKET_ASSIGN_OR_RETURN(auto budget, market::money::Money::FromProto(request.budget(),
//   "budget")); MARKET_ASSIGN_OR_RETURN(auto fee, market::money::Money::Parse("12.34", "USD")); //
//   1234 cents MARKET_ASSIGN_OR_RETURN(auto total, budget.Add(fee));   // invalid_argument if not
//   USD response.mutable_total()->CopyFrom(total.ToProto()); log::Info("charged", {{"amount",
//   total.ToDecimalString()}, {"currency", total.currency()}});
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "market/common/statusor.hpp"
#include "market/common/v1/common.pb.h"
#include "market/money/currency.hpp"

namespace market::money {

class Money {
 public:
  // invalid_argument `currency: unknown ISO 4217 code "XYZ"` for a code not in the table.
  static StatusOr<Money> Of(std::string_view currency, std::int64_t minor_units);
  // As Of, with errors naming the field: `budget.currency: unknown ISO 4217 code "XYZ"`.
  static StatusOr<Money> FromProto(const market::common::v1::Money& proto,
                                   std::string_view field_name);
  // "12.34", "-0.05", "1000", "1.5": an optional leading '-', digits, and at most the
  // currency's exponent of decimals, read exactly. Anything else, and amounts beyond int64
  // minor units, are invalid_argument naming "amount" (or "currency").
  static StatusOr<Money> Parse(std::string_view decimal, std::string_view currency);

  const std::string& currency() const { return currency_; }
  std::int64_t minor_units() const { return minor_units_; }
  // Digits of the minor unit, from the currency table.
  int exponent() const { return exponent_; }
  bool IsZero() const { return minor_units_ == 0; }
  bool IsNegative() const { return minor_units_ < 0; }

  market::common::v1::Money ToProto() const;
  // "12.34", "-0.05", "1000" (JPY), "1.234" (KWD): always exactly `exponent` decimals.
  std::string ToDecimalString() const;

  // invalid_argument when the currencies differ; out_of_range when the result overflows int64.
  StatusOr<Money> Add(const Money& other) const;
  StatusOr<Money> Subtract(const Money& other) const;
  // out_of_range for the one int64 value that has no negation.
  StatusOr<Money> Negate() const;

  friend bool operator==(const Money&, const Money&) = default;

 private:
  Money(std::string currency, int exponent, std::int64_t minor_units)
      : currency_(std::move(currency)), minor_units_(minor_units), exponent_(exponent) {}

  std::string currency_;
  std::int64_t minor_units_;
  int exponent_;
};

// "12.34 USD", for test failure messages and logs.
std::ostream& operator<<(std::ostream& out, const Money& money);

}  // namespace market::money
