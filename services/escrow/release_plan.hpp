// PlanRelease: the legs that pay a milestone's released amount to the freelancer (DESIGN.md,
// escrow, "Release"; money rules 6 and 7). Pure arithmetic, no database:
//
//   gross (contract currency, out of escrow)
//     = fee (basis points of gross, half-even)        -> fee_revenue
//     + net (the rest of gross, half-even)            -> the freelancer
//     + remainder (what the two roundings leave over) -> rounding
//   net converted at the contract's locked rate into the payout currency, half-even, through
//   the FX liquidity accounts of both currencies: `paid`
//     = withheld (withholding basis points of paid, half-even) -> withholding (payout currency)
//     + credited (paid - withheld, exact)                      -> the freelancer's wallet
//   Each currency's legs sum to zero. Withholding is taken last, from what the freelancer is
//   paid in its own currency, so the fee and the conversion never depend on the tax rule.
//
//   MARKET_ASSIGN_OR_RETURN(const ReleasePlan plan, PlanRelease(contract, 90000, 2400));
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
  money::Money paid;      // net in the payout currency
  money::Money withheld;  // of paid, to the withholding account
  money::Money credited;  // paid - withheld, to the freelancer's wallet
  std::int32_t withholding_bps = 0;
  std::vector<Leg> legs;
};

// `gross` minor units of the contract's currency, positive, out of the contract's escrow;
// `withholding_bps` 0 to 10000 of the paid amount withheld for tax.
StatusOr<ReleasePlan> PlanRelease(const ContractRecord& contract, std::int64_t gross,
                                  std::int32_t withholding_bps = 0);

}  // namespace market::escrow
