// Exact shares of an amount (DESIGN.md, money rule 7): every part is rounded half-even to the
// minor unit, and what rounding leaves over is returned as a remainder for a named account, so
// the parts and the remainder always sum to the whole.
//
//   MARKET_ASSIGN_OR_RETURN(auto fee, market::money::BasisPointsOf(gross, 1000));  // 10 %
//   const std::int64_t weights[] = {1, 1, 1};
//   MARKET_ASSIGN_OR_RETURN(auto thirds, market::money::Split(gross, weights));
//   // thirds.parts[0] + thirds.parts[1] + thirds.parts[2] + thirds.remainder == gross
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/money/money.hpp"

namespace market::money {

// numerator / denominator rounded to the nearest integer, ties to the even one. denominator > 0.
// Exact for every 128-bit numerator.
__int128 DivideHalfEven(__int128 numerator, __int128 denominator);

// `basis_points` / 10000 of `amount`, rounded half-even. invalid_argument unless 0 <= basis_points
// <= 10000.
StatusOr<Money> BasisPointsOf(const Money& amount, std::int32_t basis_points);

struct Allocation {
  std::vector<Money> parts;  // one per weight, in order
  Money remainder;           // total - sum(parts): may be negative, |remainder| < parts.size()
};

// `total` shared in proportion to `weights` (each >= 0, at least one > 0, at most 1000 of them),
// each part rounded half-even. invalid_argument for bad weights.
StatusOr<Allocation> Split(const Money& total, std::span<const std::int64_t> weights);

}  // namespace market::money
