// Yearly statements through the Connect API on a fresh schema: after releases with fees, FX at
// a locked rate, withholding, a refund and payouts, every figure equals the sum of the answers
// that moved the money and the ledger check's own figures, to the minor unit; the CSV carries
// the same figures.
#include "escrow_service.hpp"

#include <catch2/catch.hpp>

#include <ctime>

#include "escrow_itest_support.hpp"

namespace market::escrow::itest {
namespace {

int CurrentUtcYear() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return utc.tm_year + 1900;
}

// The ledger check's recomputed sum of one account kind in one currency.
std::int64_t LedgerFigure(const v1::CheckLedgerResponse& check, const std::string& currency,
                          const std::string& kind) {
  for (const auto& c : check.currencies()) {
    if (c.currency() != currency) continue;
    for (const auto& figure : c.accounts()) {
      if (figure.kind() == kind) return figure.recomputed().minor_units();
    }
  }
  return 0;
}

StatusOr<v1::GetYearlyStatementResponse> Statement(Escrow& escrow, const User& user, int year,
                                                   const std::string& currency) {
  v1::GetYearlyStatementRequest request;
  request.set_year(year);
  request.set_currency(currency);
  return escrow.Client().GetYearlyStatement(request, Escrow::As(user.bearer));
}

TEST_CASE("a yearly statement's totals equal the ledger to the minor unit", "[escrow][statement]") {
  Escrow escrow;
  escrow.LoadRate("EUR", "USD", "1.0842");
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer, "US");
  REQUIRE(escrow.TopUp(client, "EUR", 1000000).ok());
  REQUIRE(escrow.TopUp(client, "USD", 1000000).ok());

  // Sums of what each release answered, per currency.
  std::int64_t eur_gross = 0, eur_fees = 0, usd_gross = 0, usd_fees = 0;
  std::int64_t converted_in = 0, withheld = 0, credited = 0;
  int releases = 0;
  const auto add = [&](const v1::Release& release) {
    ++releases;
    if (release.gross().currency() == "EUR") {
      eur_gross += release.gross().minor_units();
      eur_fees += release.fee().minor_units();
      converted_in += release.paid().minor_units();
    } else {
      usd_gross += release.gross().minor_units();
      usd_fees += release.fee().minor_units();
    }
    withheld += release.withheld().minor_units();
    credited += release.credited().minor_units();
  };

  // EUR paid out in USD at the locked rate, the freelancer without a form (24 % withheld):
  // odd amounts, one approved in part with the rest refunded.
  const v1::Contract eur =
      escrow.NewContract(client, freelancer, "EUR", {100001, 33333, 77777}, "USD", 0, 0, "US");
  for (int i = 0; i < 3; ++i) {
    REQUIRE(escrow.Fund(client, Escrow::Ref(eur, i)).ok());
    REQUIRE(escrow.Submit(freelancer, Escrow::Ref(eur, i)).ok());
  }
  add(escrow.Approve(client, Escrow::Ref(eur, 0))->release());
  add(escrow.Approve(client, Escrow::Ref(eur, 1))->release());
  v1::ApproveMilestoneRequest partial;
  partial.set_idempotency_key(NewId());
  *partial.mutable_milestone() = Escrow::Ref(eur, 2);
  *partial.mutable_release_amount() = M("EUR", 55555);
  partial.set_remainder(v1::REMAINDER_REFUND);
  const auto partly = escrow.Client().ApproveMilestone(partial, Escrow::As(client.bearer));
  REQUIRE(partly.ok());
  add(partly->release());

  // USD, same currency; then the form is recorded and the last release withholds nothing.
  const v1::Contract usd =
      escrow.NewContract(client, freelancer, "USD", {12345, 67891}, "USD", 0, 0, "US");
  for (int i = 0; i < 2; ++i) {
    REQUIRE(escrow.Fund(client, Escrow::Ref(usd, i)).ok());
    REQUIRE(escrow.Submit(freelancer, Escrow::Ref(usd, i)).ok());
  }
  add(escrow.Approve(client, Escrow::Ref(usd, 0))->release());
  v1::SetTaxProfileRequest profile;
  profile.set_country("US");
  profile.set_form_kind(v1::TAX_FORM_KIND_US_PERSON);
  profile.set_taxpayer_reference("123456789");
  REQUIRE(escrow.Client().SetTaxProfile(profile, Escrow::As(freelancer.bearer)).ok());
  add(escrow.Approve(client, Escrow::Ref(usd, 1))->release());
  REQUIRE(withheld > 0);

  // Two payouts, one paid and one failed (its money came back).
  v1::RequestPayoutRequest payout;
  payout.set_idempotency_key("statement-payout-1");
  *payout.mutable_amount() = M("USD", 20000);
  payout.set_method("sandbox-payout-ok");
  REQUIRE(escrow.Client().RequestPayout(payout, Escrow::As(freelancer.bearer)).ok());
  payout.set_idempotency_key("statement-payout-2");
  payout.set_method("sandbox-payout-fail");
  REQUIRE(escrow.Client().RequestPayout(payout, Escrow::As(freelancer.bearer)).ok());

  const int year = CurrentUtcYear();
  const v1::CheckLedgerResponse check = escrow.CheckLedger();
  REQUIRE(check.ok());

  SECTION("the freelancer's USD statement") {
    const auto statement = Statement(escrow, freelancer, year, "USD");
    REQUIRE(statement.ok());
    const v1::EarningsTotals& e = statement->statement().earnings();
    CHECK(e.releases() == releases);
    CHECK(e.gross().minor_units() == usd_gross);
    CHECK(e.fees().minor_units() == usd_fees);
    CHECK(e.converted_in().minor_units() == converted_in);
    CHECK(e.converted_out().minor_units() == 0);
    CHECK(e.withheld().minor_units() == withheld);
    CHECK(e.net().minor_units() == credited);
    CHECK(e.paid_out().minor_units() == 20000);
    // Each release balances, so the statement does too.
    CHECK(e.gross().minor_units() - e.fees().minor_units() - e.rounding().minor_units() -
              e.converted_out().minor_units() + e.converted_in().minor_units() ==
          e.withheld().minor_units() + e.net().minor_units());
    // And the ledger's own figures agree (only this freelancer has earned on this schema).
    CHECK(e.withheld().minor_units() == LedgerFigure(check, "USD", "withholding"));
    CHECK(e.fees().minor_units() == LedgerFigure(check, "USD", "fee_revenue"));
    CHECK(e.net().minor_units() - e.paid_out().minor_units() ==
          escrow.WalletBalance(freelancer, "USD"));
    CHECK(e.paid_out().minor_units() == LedgerFigure(check, "USD", "payout_clearing"));
  }
  SECTION("the freelancer's EUR statement: gross and fees, converted out") {
    const auto statement = Statement(escrow, freelancer, year, "EUR");
    REQUIRE(statement.ok());
    const v1::EarningsTotals& e = statement->statement().earnings();
    CHECK(e.gross().minor_units() == eur_gross);
    CHECK(e.fees().minor_units() == eur_fees);
    CHECK(e.fees().minor_units() == LedgerFigure(check, "EUR", "fee_revenue"));
    CHECK(e.rounding().minor_units() == LedgerFigure(check, "EUR", "rounding"));
    CHECK(e.converted_out().minor_units() == eur_gross - eur_fees - e.rounding().minor_units());
    CHECK(e.net().minor_units() == 0);
    CHECK(e.withheld().minor_units() == 0);
  }
  SECTION("the client's statement: per contract and per freelancer country") {
    const auto statement = Statement(escrow, client, year, "EUR");
    REQUIRE(statement.ok());
    const v1::YearlyStatement& s = statement->statement();
    CHECK(s.topped_up().minor_units() == 1000000);
    REQUIRE(s.contracts_size() == 1);
    CHECK(s.contracts(0).contract_id() == eur.id());
    CHECK(s.contracts(0).funded().minor_units() == 100001 + 33333 + 77777);
    CHECK(s.contracts(0).released().minor_units() == eur_gross);
    CHECK(s.contracts(0).refunded().minor_units() == 77777 - 55555);
    REQUIRE(s.countries_size() == 1);
    CHECK(s.countries(0).freelancer_country() == "US");
    CHECK(s.countries(0).released().minor_units() == eur_gross);
    // What the client holds is what it topped up less what it funded, plus refunds.
    CHECK(escrow.WalletBalance(client, "EUR") == s.topped_up().minor_units() -
                                                     s.contracts(0).funded().minor_units() +
                                                     s.contracts(0).refunded().minor_units());
  }
  SECTION("the CSV export carries the same figures") {
    v1::ExportStatementCsvRequest request;
    request.set_year(year);
    request.set_currency("USD");
    const auto csv = escrow.Client().ExportStatementCsv(request, Escrow::As(freelancer.bearer));
    REQUIRE(csv.ok());
    CHECK(csv->file_name() == "statement-" + std::to_string(year) + "-USD.csv");
    CHECK(csv->csv().rfind("section,subject,figure,currency,minor_units,amount\r\n", 0) == 0);
    const std::string withheld_row = "earnings,,withheld,USD," + std::to_string(withheld) + ",";
    CHECK(csv->csv().find(withheld_row) != std::string::npos);
    CHECK(csv->csv().find("earnings,,paid_out,USD,20000,200.00\r\n") != std::string::npos);
  }
  SECTION("another year is empty, and the period is checked") {
    const auto last_year = Statement(escrow, freelancer, year - 1, "USD");
    REQUIRE(last_year.ok());
    CHECK(last_year->statement().earnings().net().minor_units() == 0);
    CHECK(last_year->statement().earnings().releases() == 0);
    CHECK(Statement(escrow, freelancer, 1999, "USD").status().message().rfind("year: ", 0) == 0);
    CHECK(Statement(escrow, freelancer, year, "XYZ").status().message().rfind("currency: ", 0) ==
          0);
    // Operators have no statement of their own; a statement is only ever the caller's.
    CHECK(CodeOf(Statement(escrow, escrow.Operator(), year, "USD")) ==
          StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace market::escrow::itest
