#include "release_plan.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

namespace market::escrow {
namespace {

ContractRecord Contract(std::string currency, std::string payout_currency, std::string rate,
                        int fee_bps = 1000) {
  ContractRecord contract;
  contract.id = "c0ffee00-0000-4000-8000-000000000001";
  contract.freelancer_id = "f0000000-0000-4000-8000-000000000002";
  contract.currency = std::move(currency);
  contract.payout_currency = std::move(payout_currency);
  contract.fx_rate = std::move(rate);
  contract.freelancer_fee_bps = fee_bps;
  return contract;
}

std::map<std::string, std::int64_t> SumPerCurrency(const std::vector<Leg>& legs) {
  std::map<std::string, std::int64_t> sums;
  for (const Leg& leg : legs) sums[leg.account.currency] += leg.amount;
  return sums;
}

TEST_CASE("an FX release at a locked rate is exact to the minor unit", "[escrow]") {
  // 1000.00 EUR released, 10 % fee: 100.00 EUR fee, 900.00 EUR * 1.0842 = 975.78 USD paid.
  const auto plan = PlanRelease(Contract("EUR", "USD", "1.0842"), 100000);
  REQUIRE(plan.ok());
  CHECK(plan->fee.minor_units() == 10000);
  CHECK(plan->net.minor_units() == 90000);
  CHECK(plan->rounding.minor_units() == 0);
  CHECK(plan->paid.currency() == "USD");
  CHECK(plan->paid.minor_units() == 97578);
  for (const auto& [currency, sum] : SumPerCurrency(plan->legs)) {
    CAPTURE(currency);
    CHECK(sum == 0);
  }
  const Leg& wallet = plan->legs.back();
  CHECK(wallet.account == Wallet("f0000000-0000-4000-8000-000000000002", "USD"));
  CHECK(wallet.amount == 97578);
}

TEST_CASE("a release's fee rounds half-even and the remainder goes to the rounding account",
          "[escrow]") {
  // 0.05 USD at 10 %: fee 0.005 -> 0.00, net 0.045 -> 0.04, 0.01 left for the rounding account.
  const auto plan = PlanRelease(Contract("USD", "USD", "1"), 5);
  REQUIRE(plan.ok());
  CHECK(plan->fee.minor_units() == 0);
  CHECK(plan->net.minor_units() == 4);
  CHECK(plan->rounding.minor_units() == 1);
  CHECK(plan->fee.minor_units() + plan->net.minor_units() + plan->rounding.minor_units() == 5);
  CHECK(SumPerCurrency(plan->legs).at("USD") == 0);
}

TEST_CASE("1 JPY and 0.001 KWD release without losing a minor unit", "[escrow]") {
  for (const char* currency : {"JPY", "KWD"}) {
    CAPTURE(currency);
    const auto plan = PlanRelease(Contract(currency, currency, "1", 0), 1);
    REQUIRE(plan.ok());
    CHECK(plan->paid.minor_units() == 1);
    CHECK(plan->fee.minor_units() == 0);
  }
  // KWD -> JPY at 490.5: 0.001 KWD = 0.4905 JPY -> 0 JPY; 1.000 KWD = 490.5 -> 490 JPY (even).
  CHECK(PlanRelease(Contract("KWD", "JPY", "490.5", 0), 1)->paid.minor_units() == 0);
  CHECK(PlanRelease(Contract("KWD", "JPY", "490.5", 0), 1000)->paid.minor_units() == 490);
}

TEST_CASE("withholding is taken from the paid amount, half-even, in the payout currency",
          "[escrow][tax]") {
  // 1000.00 EUR, 10 % fee, at 1.0842: 975.78 USD paid; 24 % of it is 234.1872 -> 234.19 USD.
  const auto plan = PlanRelease(Contract("EUR", "USD", "1.0842"), 100000, 2400);
  REQUIRE(plan.ok());
  CHECK(plan->paid.minor_units() == 97578);
  CHECK(plan->withheld == *money::Money::Of("USD", 23419));
  CHECK(plan->credited == *money::Money::Of("USD", 74159));
  CHECK(plan->withholding_bps == 2400);
  for (const auto& [currency, sum] : SumPerCurrency(plan->legs)) {
    CAPTURE(currency);
    CHECK(sum == 0);
  }
  std::int64_t to_withholding = 0;
  for (const Leg& leg : plan->legs) {
    if (leg.account.kind == AccountKind::kWithholding) {
      CHECK(leg.account.currency == "USD");
      to_withholding += leg.amount;
    }
  }
  CHECK(to_withholding == 23419);
  CHECK(plan->legs.back().amount == 74159);

  // Ties go to the even minor unit: 0.50 USD at 25 % is 0.125 -> 0.12; 0.70 USD, 0.175 -> 0.18.
  CHECK(PlanRelease(Contract("USD", "USD", "1", 0), 50, 2500)->withheld.minor_units() == 12);
  CHECK(PlanRelease(Contract("USD", "USD", "1", 0), 70, 2500)->withheld.minor_units() == 18);
  // Without a rule nothing is withheld and the wallet gets all of paid.
  const auto untaxed = PlanRelease(Contract("USD", "USD", "1"), 100000);
  CHECK(untaxed->withheld.minor_units() == 0);
  CHECK(untaxed->credited.minor_units() == 90000);
}

}  // namespace
}  // namespace market::escrow

namespace market::escrow {
namespace {

TEST_CASE("platform accounts are spread over their shards, one contract on one shard", "[escrow]") {
  std::set<std::string> owners;
  for (int i = 0; i < 1000; ++i) {
    const AccountKey fee =
        Platform(AccountKind::kFeeRevenue, "USD", "contract-" + std::to_string(i));
    CHECK(fee.owner.rfind("shard-", 0) == 0);
    owners.insert(fee.owner);
  }
  CHECK(owners.size() == static_cast<std::size_t>(kPlatformAccountShards));
  CHECK(Platform(AccountKind::kFeeRevenue, "USD", "c-1") ==
        Platform(AccountKind::kFeeRevenue, "USD", "c-1"));
}

}  // namespace
}  // namespace market::escrow
