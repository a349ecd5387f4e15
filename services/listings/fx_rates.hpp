// Listings' copy of the current exchange rates, fed by escrow's FxRatesUpdated events (escrow
// owns the rates; see README "FX rates"). Search converts budget, rate and price filters with
// them, in SQL (the fx_to_usd view), exactly.
//
//   // in the consumer's transaction:
//   MARKET_ASSIGN_OR_RETURN(std::size_t changed, ApplyFxRates(tx, updated));
#pragma once

#include <cstddef>
#include <string_view>

#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/escrow/v1/escrow.pb.h"

namespace market::listings {

// Stores each rate whose quote is newer than the one held for its pair; older and equal quotes
// change nothing, so redelivered or reordered events are harmless. A rate that breaks the
// contract (unknown or equal currencies, a rate that is not a positive decimal with at most 12
// fractional digits) is skipped and logged, and the others still apply. Returns how many pairs
// changed.
std::size_t ApplyFxRates(pqxx::work& tx, const escrow::v1::FxRatesUpdated& updated);

// "1.0842", "152", "0.000913": 1 to 18 integer digits, optionally a point and 1 to 12 fractional
// digits, and not zero.
bool IsRateDecimal(std::string_view rate);

}  // namespace market::listings
