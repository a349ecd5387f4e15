#include "market/money/exact_rate.hpp"

#include <limits>

#include "market/common/text.hpp"
#include "market/money/rounding.hpp"

namespace market::money {
namespace {

__int128 PowerOfTen(int exponent) {
  __int128 power = 1;
  for (int i = 0; i < exponent; ++i) power *= 10;
  return power;
}

}  // namespace

StatusOr<ExactRate> ExactRate::Parse(std::string_view text, std::string_view field_name) {
  const std::string field(field_name);
  const auto syntax_error = [&] {
    return InvalidArgumentError(field + ": must be a positive decimal such as \"1.0842\", got " +
                                text::Quoted(text, 32));
  };
  const auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) return syntax_error();
  for (const std::string_view part : {whole, fraction}) {
    for (const char c : part) {
      if (c < '0' || c > '9') return syntax_error();
    }
  }
  if (fraction.size() > static_cast<std::size_t>(kMaxRateFractionDigits)) {
    return InvalidArgumentError(field + ": at most " + std::to_string(kMaxRateFractionDigits) +
                                " decimal places");
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  const std::string digits = std::string(whole == "0" ? "" : whole) + std::string(fraction);
  std::string_view significant = digits;
  while (!significant.empty() && significant.front() == '0') significant.remove_prefix(1);
  if (significant.empty()) return InvalidArgumentError(field + ": must be greater than zero");
  if (significant.size() > static_cast<std::size_t>(kMaxRateDigits)) {
    return InvalidArgumentError(field + ": at most " + std::to_string(kMaxRateDigits) +
                                " significant digits");
  }
  std::int64_t value = 0;
  for (const char c : significant) value = value * 10 + (c - '0');
  return ExactRate(value, static_cast<int>(fraction.size()));
}

std::string ExactRate::ToString() const {
  std::string digits = std::to_string(value_);
  if (scale_ == 0) return digits;
  if (digits.size() <= static_cast<std::size_t>(scale_)) {
    digits.insert(0, static_cast<std::size_t>(scale_) - digits.size() + 1, '0');
  }
  digits.insert(digits.size() - static_cast<std::size_t>(scale_), 1, '.');
  return digits;
}

StatusOr<Money> Convert(const Money& amount, const ExactRate& rate, std::string_view to_currency) {
  const std::optional<Currency> target = FindCurrency(to_currency);
  if (!target) {
    return InvalidArgumentError("currency: unknown ISO 4217 code " + text::Quoted(to_currency, 16));
  }
  // minor_out = minor_in / 10^e_in * rate * 10^e_out, with rate = value / 10^scale.
  const int shift = target->exponent - rate.scale() - amount.exponent();
  __int128 product = static_cast<__int128>(amount.minor_units()) * rate.value();
  __int128 converted = 0;
  if (shift >= 0) {
    if (__builtin_mul_overflow(product, PowerOfTen(shift), &converted)) {
      return OutOfRangeError("amount: too large to convert");
    }
  } else {
    converted = DivideHalfEven(product, PowerOfTen(-shift));
  }
  if (converted > std::numeric_limits<std::int64_t>::max() ||
      converted < std::numeric_limits<std::int64_t>::min()) {
    return OutOfRangeError("amount: too large to convert");
  }
  return Money::Of(target->code, static_cast<std::int64_t>(converted));
}

}  // namespace market::money
