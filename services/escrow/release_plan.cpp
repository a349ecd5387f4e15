#include "release_plan.hpp"

#include "market/money/exact_rate.hpp"
#include "market/money/rounding.hpp"

namespace market::escrow {

StatusOr<ReleasePlan> PlanRelease(const ContractRecord& contract, std::int64_t gross) {
  if (gross <= 0) return InternalError("a release must be positive");
  MARKET_ASSIGN_OR_RETURN(const money::Money gross_money,
                          money::Money::Of(contract.currency, gross));
  const std::int64_t weights[] = {contract.freelancer_fee_bps, 10000 - contract.freelancer_fee_bps};
  MARKET_ASSIGN_OR_RETURN(const money::Allocation shares, money::Split(gross_money, weights));
  MARKET_ASSIGN_OR_RETURN(const money::ExactRate rate,
                          money::ExactRate::Parse(contract.fx_rate, "locked_rate"));
  MARKET_ASSIGN_OR_RETURN(const money::Money paid,
                          money::Convert(shares.parts[1], rate, contract.payout_currency));

  ReleasePlan plan{gross_money, shares.parts[0], shares.remainder, shares.parts[1], paid, {}};
  const std::string& c = contract.currency;
  plan.legs.push_back({Escrow(contract.id, c), -gross});
  plan.legs.push_back({Platform(AccountKind::kFeeRevenue, c, contract.id), plan.fee.minor_units()});
  plan.legs.push_back(
      {Platform(AccountKind::kRounding, c, contract.id), plan.rounding.minor_units()});
  if (contract.payout_currency == c) {
    plan.legs.push_back({Wallet(contract.freelancer_id, c), plan.net.minor_units()});
  } else {
    const std::string& p = contract.payout_currency;
    plan.legs.push_back(
        {Platform(AccountKind::kFxLiquidity, c, contract.id), plan.net.minor_units()});
    plan.legs.push_back({Platform(AccountKind::kFxLiquidity, p, contract.id), -paid.minor_units()});
    plan.legs.push_back({Wallet(contract.freelancer_id, p), paid.minor_units()});
  }
  return plan;
}

}  // namespace market::escrow
