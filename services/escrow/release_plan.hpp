// PlanRelease: the legs that pay a milestone's released amount to the freelancer (DESIGN.md,
// escrow, "Release"; money rules 6 and 7). Pure arithmetic, no database:
//
//   gross (contract currency, out of escrow)
//     = fee (basis points of gross, half-even)        -> fee_revenue
//     + net (the rest of gross, half-even)            -> the freelancer
//     + remainder (what the two roundings leave over) -> rounding
//   net converted at the contract's locked rate into the payout currency, half-even, through
//   the FX liquidity accounts of both currencies; each currency's legs sum to zero.
//
//   MARKET_ASSIGN_OR_RETURN(const ReleasePlan plan, PlanRelease(contract, 90000));
//   MARKET_ASSIGN_OR_RETURN(auto posted, PostTransfer(tx, {.kind = "release", ..., plan.legs}));
#pragma once

#include <cstdint>
#include <vector>

#include "contract_repository.hpp"
#include "ledger.hpp"
#include "market/common/statusor.hpp"
#include "market/money/money.hpp"

namespace market::escrow {

struct ReleasePlan {
  money::Money gross;
  money::Money fee;
  money::Money rounding;  // to the rounding account; gross = fee + net + rounding
  money::Money net;
  money::Money paid;  // net in the payout currency
  std::vector<Leg> legs;
};

// `gross` minor units of the contract's currency, positive, out of the contract's escrow.
StatusOr<ReleasePlan> PlanRelease(const ContractRecord& contract, std::int64_t gross);

}  // namespace market::escrow
