#include "release_plan.hpp"

#include "market/money/exact_rate.hpp"
#include "market/money/rounding.hpp"

namespace market::escrow {

StatusOr<ReleasePlan> PlanRelease(const ContractRecord& contract, std::int64_t gross,
                                  std::int32_t withholding_bps) {
  if (gross <= 0) return InternalError("a release must be positive");
  MARKET_ASSIGN_OR_RETURN(const money::Money gross_money,
                          money::Money::Of(contract.currency, gross));
  const std::int64_t weights[] = {contract.freelancer_fee_bps, 10000 - contract.freelancer_fee_bps};
  MARKET_ASSIGN_OR_RETURN(const money::Allocation shares, money::Split(gross_money, weights));
  MARKET_ASSIGN_OR_RETURN(const money::ExactRate rate,
                          money::ExactRate::Parse(contract.fx_rate, "locked_rate"));
  MARKET_ASSIGN_OR_RETURN(const money::Money paid,
                          money::Convert(shares.parts[1], rate, contract.payout_currency));
  MARKET_ASSIGN_OR_RETURN(const money::Money withheld, money::BasisPointsOf(paid, withholding_bps));
  MARKET_ASSIGN_OR_RETURN(
      const money::Money credited,
      money::Money::Of(contract.payout_currency, paid.minor_units() - withheld.minor_units()));

  ReleasePlan plan{gross_money, shares.parts[0], shares.remainder, shares.parts[1],
                   paid,        withheld,        credited,         withholding_bps,
                   {}};
  const std::string& c = contract.currency;
  const std::string& p = contract.payout_currency;
  plan.legs.push_back({Escrow(contract.id, c), -gross});
  plan.legs.push_back({Platform(AccountKind::kFeeRevenue, c, contract.id), plan.fee.minor_units()});
  plan.legs.push_back(
      {Platform(AccountKind::kRounding, c, contract.id), plan.rounding.minor_units()});
  if (p != c) {
    plan.legs.push_back(
        {Platform(AccountKind::kFxLiquidity, c, contract.id), plan.net.minor_units()});
    plan.legs.push_back({Platform(AccountKind::kFxLiquidity, p, contract.id), -paid.minor_units()});
  }
  plan.legs.push_back(
      {Platform(AccountKind::kWithholding, p, contract.id), withheld.minor_units()});
  plan.legs.push_back({Wallet(contract.freelancer_id, p), credited.minor_units()});
  return plan;
}

}  // namespace market::escrow
