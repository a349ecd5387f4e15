#include "market/money/rounding.hpp"

namespace market::money {

__int128 DivideHalfEven(__int128 numerator, __int128 denominator) {
  __int128 quotient = numerator / denominator;  // truncates towards zero
  const __int128 remainder = numerator % denominator;
  if (remainder == 0) return quotient;
  const __int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
  const int direction = numerator < 0 ? -1 : 1;
  if (twice > denominator || (twice == denominator && quotient % 2 != 0)) quotient += direction;
  return quotient;
}

StatusOr<Money> BasisPointsOf(const Money& amount, std::int32_t basis_points) {
  if (basis_points < 0 || basis_points > 10000) {
    return InvalidArgumentError("basis_points: must be 0 to 10000");
  }
  const __int128 share =
      DivideHalfEven(static_cast<__int128>(amount.minor_units()) * basis_points, 10000);
  return Money::Of(amount.currency(), static_cast<std::int64_t>(share));
}

StatusOr<Allocation> Split(const Money& total, std::span<const std::int64_t> weights) {
  if (weights.empty() || weights.size() > 1000) {
    return InvalidArgumentError("weights: 1 to 1000 weights");
  }
  __int128 weight_sum = 0;
  for (const std::int64_t weight : weights) {
    if (weight < 0) return InvalidArgumentError("weights: must not be negative");
    weight_sum += weight;
  }
  if (weight_sum == 0) return InvalidArgumentError("weights: at least one must be positive");
  std::vector<Money> parts;
  parts.reserve(weights.size());
  __int128 allocated = 0;
  for (const std::int64_t weight : weights) {
    // |total * weight / weight_sum| <= |total|, so each part fits in int64.
    const __int128 part =
        DivideHalfEven(static_cast<__int128>(total.minor_units()) * weight, weight_sum);
    allocated += part;
    MARKET_ASSIGN_OR_RETURN(Money money,
                            Money::Of(total.currency(), static_cast<std::int64_t>(part)));
    parts.push_back(std::move(money));
  }
  MARKET_ASSIGN_OR_RETURN(
      Money remainder,
      Money::Of(total.currency(), static_cast<std::int64_t>(total.minor_units() - allocated)));
  return Allocation{std::move(parts), std::move(remainder)};
}

}  // namespace market::money
