// Tax withholding, tax profiles, payouts and the top-up's provider call, through the Connect API
// on a fresh schema: the rule table applied at release, the payout rules (minimum, funds, tax
// form), exactly-once payouts and top-ups per idempotency key, and the recovery of a payout the
// provider could not take at once.
#include "escrow_service.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "escrow_itest_support.hpp"
#include "market/connect/error_details.hpp"

namespace market::escrow::itest {
namespace {

// Pays `amount` of `currency` to the freelancer: a client tops up, funds, the freelancer
// submits and the client approves. The release as the approval answered it.
v1::Release Earn(Escrow& escrow, const User& freelancer, const std::string& currency,
                 std::int64_t amount, const std::string& freelancer_country) {
  const User client = NewUser(auth::Role::kClient);
  REQUIRE(escrow.TopUp(client, currency, amount).ok());
  const v1::Contract contract = escrow.NewContract(client, freelancer, currency, {amount}, currency,
                                                   0, 0, freelancer_country);
  REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());
  REQUIRE(escrow.Submit(freelancer, Escrow::Ref(contract, 0)).ok());
  const auto approved = escrow.Approve(client, Escrow::Ref(contract, 0));
  INFO(approved.status().ToString());
  REQUIRE(approved.ok());
  return approved->release();
}

StatusOr<v1::SetTaxProfileResponse> SetProfile(Escrow& escrow, const User& freelancer,
                                               const std::string& country, v1::TaxFormKind form,
                                               const std::string& reference) {
  v1::SetTaxProfileRequest request;
  request.set_country(country);
  request.set_form_kind(form);
  request.set_taxpayer_reference(reference);
  return escrow.Client().SetTaxProfile(request, Escrow::As(freelancer.bearer));
}

void Execute(Escrow& escrow, const std::string& sql) {
  pg::Pool pool({.dsn = escrow.database().dsn});
  REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
            tx.exec(sql);
            return OkStatus();
          }).ok());
}

std::int64_t WithholdingHeld(Escrow& escrow, const std::string& currency) {
  const auto summary = escrow.Client().GetEscrowSummary({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(summary.ok());
  for (const auto& held : summary->withholding_held()) {
    if (held.currency() == currency) return held.minor_units();
  }
  return 0;
}

TEST_CASE("withholding follows the rule table and is absent once a form is on file",
          "[escrow][tax]") {
  Escrow escrow;

  SECTION("a US freelancer without a form: 24 % of the paid amount, half-even") {
    const User freelancer = NewUser(auth::Role::kFreelancer, "US");
    // 1000.01 USD, 10 % fee 100.00, paid 900.01; 24 % is 216.0024 -> 216.00.
    const v1::Release release = Earn(escrow, freelancer, "USD", 100001, "US");
    CHECK(release.paid().minor_units() == 90001);
    CHECK(release.withholding_basis_points() == 2400);
    CHECK(release.withheld().minor_units() == 21600);
    CHECK(release.credited().minor_units() == 68401);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 68401);
    CHECK(WithholdingHeld(escrow, "USD") == 21600);

    // With a US-person form verified, the next release withholds nothing.
    REQUIRE(SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_US_PERSON, "123-45-6789").ok());
    const v1::Release after_form = Earn(escrow, freelancer, "USD", 100001, "US");
    CHECK(after_form.withheld().minor_units() == 0);
    CHECK(after_form.withholding_basis_points() == 0);
    CHECK(after_form.credited().minor_units() == 90001);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 68401 + 90001);
    CHECK(WithholdingHeld(escrow, "USD") == 21600);
  }
  SECTION("a foreign-person form on file: nothing withheld, whatever the contract says") {
    const User freelancer = NewUser(auth::Role::kFreelancer, "US");
    REQUIRE(SetProfile(escrow, freelancer, "AR", v1::TAX_FORM_KIND_FOREIGN_PERSON, "20-1234567-8")
                .ok());
    const v1::Release release = Earn(escrow, freelancer, "USD", 50000, "US");
    CHECK(release.withheld().minor_units() == 0);
    CHECK(release.credited().minor_units() == 45000);
  }
  SECTION("another country without a form: the default row, 0 %") {
    const User freelancer = NewUser(auth::Role::kFreelancer, "AR");
    const v1::Release release = Earn(escrow, freelancer, "USD", 50000, "AR");
    CHECK(release.withheld().minor_units() == 0);
    CHECK(release.credited().minor_units() == 45000);
  }
  SECTION("the rules are data: a row for the country replaces the default") {
    Execute(escrow,
            "INSERT INTO withholding_rules (country, form_kind, rate_bps, note) "
            "VALUES ('AR', 'none', 1500, 'test rate')");
    const User freelancer = NewUser(auth::Role::kFreelancer, "AR");
    // 0.70 USD, 10 % fee 0.07, paid 0.63; 15 % is 0.0945 -> 0.09.
    const v1::Release release = Earn(escrow, freelancer, "USD", 70, "AR");
    CHECK(release.paid().minor_units() == 63);
    CHECK(release.withheld().minor_units() == 9);
    CHECK(release.credited().minor_units() == 54);
    CHECK(WithholdingHeld(escrow, "USD") == 9);
  }
  const auto outbox = escrow.OutboxCounts();
  CHECK(outbox.at("MilestoneReleased") >= 1);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("a tax profile is the freelancer's own, checked, and its reference shown masked",
          "[escrow][tax]") {
  Escrow escrow;
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const auto message = [](const auto& result) { return result.status().message(); };
  CHECK(message(SetProfile(escrow, freelancer, "ZZ", v1::TAX_FORM_KIND_NONE, ""))
            .rfind("country: ", 0) == 0);
  CHECK(message(SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_UNSPECIFIED, ""))
            .rfind("form_kind: ", 0) == 0);
  CHECK(message(SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_US_PERSON, ""))
            .rfind("taxpayer_reference: ", 0) == 0);
  CHECK(message(SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_NONE, "1234"))
            .rfind("taxpayer_reference: ", 0) == 0);
  const auto bad = SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_US_PERSON, "12 345 678");
  CHECK(message(bad).rfind("taxpayer_reference: ", 0) == 0);
  CHECK(message(bad).find("12 345") == std::string::npos);  // the reference is never echoed

  const auto none = escrow.Client().GetTaxProfile({}, Escrow::As(freelancer.bearer));
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_profile());

  const auto set = SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_US_PERSON, "123456789");
  REQUIRE(set.ok());
  CHECK(set->profile().taxpayer_reference_masked() == "*****6789");
  CHECK(set->profile().has_verified_at());  // the sandbox verifies at once
  CHECK_FALSE(set->profile().payouts_blocked());
  const auto read = escrow.Client().GetTaxProfile({}, Escrow::As(freelancer.bearer));
  REQUIRE(read.ok());
  CHECK(read->profile().account_id() == freelancer.id);
  CHECK(read->profile().taxpayer_reference_masked() == "*****6789");
  CHECK(read->profile().form_kind() == v1::TAX_FORM_KIND_US_PERSON);

  // Without a form, a US account is withheld 24 % and its payouts wait for a form.
  const auto dropped = SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_NONE, "");
  REQUIRE(dropped.ok());
  CHECK_FALSE(dropped->profile().has_verified_at());
  CHECK(dropped->profile().withholding_basis_points() == 2400);
  CHECK(dropped->profile().payouts_blocked());
  CHECK(dropped->profile().taxpayer_reference_masked().empty());

  // Only freelancers have tax profiles here.
  const User client = NewUser(auth::Role::kClient);
  CHECK(CodeOf(escrow.Client().GetTaxProfile({}, Escrow::As(client.bearer))) ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("payouts keep the minimum, the funds and the tax rule", "[escrow][payouts]") {
  Escrow escrow;
  const User freelancer = NewUser(auth::Role::kFreelancer, "AR");
  Earn(escrow, freelancer, "USD", 100000, "AR");  // 900.00 USD in the wallet
  REQUIRE(escrow.WalletBalance(freelancer, "USD") == 90000);

  SECTION("below the currency's minimum is refused and moves nothing") {
    const auto small = Payout(escrow, freelancer, "USD", 999);
    CHECK(CodeOf(small) == StatusCode::kInvalidArgument);
    CHECK(small.status().message() == "amount: at least 10.00 USD (the payout minimum)");
    CHECK(Payout(escrow, freelancer, "USD", 1000).ok());  // exactly the minimum
    CHECK(escrow.WalletBalance(freelancer, "USD") == 89000);
  }
  SECTION("a currency without a minimum is not paid out") {
    const auto sek = Payout(escrow, freelancer, "SEK", 100000);
    CHECK(CodeOf(sek) == StatusCode::kFailedPrecondition);
    CHECK(sek.status().message().rfind("amount.currency: ", 0) == 0);
  }
  SECTION("more than the wallet holds is insufficient funds") {
    const auto big = Payout(escrow, freelancer, "USD", 90001);
    CHECK(CodeOf(big) == StatusCode::kFailedPrecondition);
    CHECK(big.status().message().rfind("insufficient funds", 0) == 0);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 90000);
  }
  SECTION("a paid payout leaves the wallet through payout clearing") {
    const auto paid = Payout(escrow, freelancer, "USD", 25000);
    REQUIRE(paid.ok());
    CHECK(paid->payout().state() == v1::PAYOUT_STATE_PAID);
    CHECK(paid->payout().provider_reference().rfind("sandbox-payout-", 0) == 0);
    CHECK(paid->payout().has_settled_at());
    CHECK(escrow.WalletBalance(freelancer, "USD") == 65000);
    CHECK(escrow.payout_provider().PaidCount() == 1);
    const auto outbox = escrow.OutboxCounts();
    CHECK(outbox.at("PayoutRequested") == 1);
    CHECK(outbox.at("PayoutSettled") == 1);
  }
  SECTION("a failed payout returns the money to the wallet") {
    const auto failed = Payout(escrow, freelancer, "USD", 25000, "sandbox-payout-fail");
    REQUIRE(failed.ok());
    CHECK(failed->payout().state() == v1::PAYOUT_STATE_FAILED);
    CHECK_FALSE(failed->payout().failure_reason().empty());
    CHECK(failed->payout().reversal_transfer_id() > failed->payout().transfer_id());
    CHECK(escrow.WalletBalance(freelancer, "USD") == 90000);
  }
  SECTION("a payout the provider cannot take at once stays pending and is retried") {
    const auto pending = Payout(escrow, freelancer, "USD", 30000, "sandbox-payout-retry");
    REQUIRE(pending.ok());
    CHECK(pending->payout().state() == v1::PAYOUT_STATE_PENDING);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 60000);
    // Operators see it among the pending payouts and in the summary.
    const auto queue = escrow.Client().ListPayouts({}, Escrow::As(escrow.Operator().bearer));
    REQUIRE(queue.ok());
    REQUIRE(queue->payouts_size() == 1);
    CHECK(queue->payouts(0).id() == pending->payout().id());
    const auto summary = escrow.Client().GetEscrowSummary({}, Escrow::As(escrow.Operator().bearer));
    REQUIRE(summary.ok());
    REQUIRE(summary->pending_payouts_size() == 1);
    CHECK(summary->pending_payouts(0).amount().minor_units() == 30000);
    CHECK(summary->pending_payouts(0).payouts() == 1);

    // The retry task sends it again after PayoutSender::kRetryAfter.
    v1::PayoutState state = v1::PAYOUT_STATE_PENDING;
    for (int i = 0; i < 60 && state == v1::PAYOUT_STATE_PENDING; ++i) {
      std::this_thread::sleep_for(500ms);
      const auto mine = escrow.Client().ListPayouts({}, Escrow::As(freelancer.bearer));
      REQUIRE(mine.ok());
      REQUIRE(mine->payouts_size() == 1);
      state = mine->payouts(0).state();
    }
    CHECK(state == v1::PAYOUT_STATE_PAID);
    CHECK(escrow.payout_provider().PaidCount() == 1);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 60000);
    const auto after = escrow.Client().ListPayouts({}, Escrow::As(escrow.Operator().bearer));
    REQUIRE(after.ok());
    CHECK(after->payouts().empty());
  }
  SECTION("a freelancer lists its own payouts, newest first, page by page") {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      const auto paid = Payout(escrow, freelancer, "USD", 1000 + i);
      REQUIRE(paid.ok());
      ids.insert(ids.begin(), paid->payout().id());
    }
    const User stranger = NewUser(auth::Role::kFreelancer, "AR");
    Earn(escrow, stranger, "USD", 10000, "AR");
    REQUIRE(Payout(escrow, stranger, "USD", 1000).ok());

    std::vector<std::string> listed;
    v1::ListPayoutsRequest request;
    request.mutable_page()->set_page_size(2);
    for (int page = 0; page < 3; ++page) {
      const auto mine = escrow.Client().ListPayouts(request, Escrow::As(freelancer.bearer));
      REQUIRE(mine.ok());
      for (const auto& payout : mine->payouts()) {
        CHECK(payout.account_id() == freelancer.id);
        listed.push_back(payout.id());
      }
      if (mine->page().next_page_token().empty()) break;
      request.mutable_page()->set_page_token(mine->page().next_page_token());
    }
    CHECK(listed == ids);
    request.mutable_page()->set_page_token("not-a-token");
    CHECK(CodeOf(escrow.Client().ListPayouts(request, Escrow::As(freelancer.bearer))) ==
          StatusCode::kInvalidArgument);
  }
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("payouts wait for a verified tax form where the rules require one",
          "[escrow][payouts][tax]") {
  Escrow escrow;
  const User freelancer = NewUser(auth::Role::kFreelancer, "US");
  Earn(escrow, freelancer, "USD", 100000, "US");
  const std::int64_t balance = escrow.WalletBalance(freelancer, "USD");

  const auto blocked = Payout(escrow, freelancer, "USD", 10000, "sandbox-payout-ok", "p-1");
  CHECK(CodeOf(blocked) == StatusCode::kFailedPrecondition);
  const auto reason = connect::ErrorInfoOf(blocked.status());
  REQUIRE(reason);
  CHECK(reason->reason == "TAX_FORM_REQUIRED");
  CHECK(blocked.status().message().find("SetTaxProfile") != std::string::npos);
  CHECK(escrow.WalletBalance(freelancer, "USD") == balance);
  CHECK(escrow.payout_provider().CallCount() == 0);

  // A refused call stored nothing: the same key works once the form is on file.
  REQUIRE(SetProfile(escrow, freelancer, "US", v1::TAX_FORM_KIND_US_PERSON, "123456789").ok());
  const auto paid = Payout(escrow, freelancer, "USD", 10000, "sandbox-payout-ok", "p-1");
  REQUIRE(paid.ok());
  CHECK(paid->payout().state() == v1::PAYOUT_STATE_PAID);
  CHECK(escrow.WalletBalance(freelancer, "USD") == balance - 10000);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("a payout happens once per idempotency key, also for concurrent duplicates",
          "[escrow][payouts][idempotency]") {
  Escrow escrow;
  const User freelancer = NewUser(auth::Role::kFreelancer, "AR");
  Earn(escrow, freelancer, "USD", 100000, "AR");  // 900.00 USD

  const auto first = Payout(escrow, freelancer, "USD", 20000, "sandbox-payout-ok", "payout-1");
  REQUIRE(first.ok());
  const auto again = Payout(escrow, freelancer, "USD", 20000, "sandbox-payout-ok", "payout-1");
  REQUIRE(again.ok());
  CHECK(again->payout().id() == first->payout().id());
  CHECK(again->payout().state() == v1::PAYOUT_STATE_PAID);
  CHECK(again->payout().provider_reference() == first->payout().provider_reference());
  const auto other = Payout(escrow, freelancer, "USD", 20001, "sandbox-payout-ok", "payout-1");
  CHECK(CodeOf(other) == StatusCode::kAlreadyExists);
  CHECK(escrow.WalletBalance(freelancer, "USD") == 70000);

  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  std::atomic<int> failures{0};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      const auto result =
          Payout(escrow, freelancer, "USD", 15000, "sandbox-payout-ok", "payout-concurrent");
      if (result.ok()) {
        ids[i] = result->payout().id();
      } else {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 1);
  CHECK(escrow.WalletBalance(freelancer, "USD") == 55000);
  CHECK(escrow.payout_provider().PaidCount() == 2);
  CHECK(escrow.OutboxCounts().at("PayoutRequested") == 2);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("a reused top-up key never reaches the payment provider again", "[escrow][idempotency]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  REQUIRE(escrow.TopUp(client, "USD", 5000, "top-up-1").ok());
  CHECK(escrow.payment_provider().ChargeRequests() == 1);
  REQUIRE(escrow.TopUp(client, "USD", 5000, "top-up-1").ok());
  CHECK(CodeOf(escrow.TopUp(client, "USD", 6000, "top-up-1")) == StatusCode::kAlreadyExists);
  CHECK(escrow.payment_provider().ChargeRequests() == 1);
  CHECK(escrow.payment_provider().Charges() == 1);
  CHECK(escrow.WalletBalance(client, "USD") == 5000);
  REQUIRE(escrow.TopUp(client, "USD", 5000, "top-up-2").ok());
  CHECK(escrow.payment_provider().ChargeRequests() == 2);
  CHECK(escrow.CheckLedger().ok());
}

}  // namespace
}  // namespace market::escrow::itest
