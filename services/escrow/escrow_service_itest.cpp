// EscrowService through its Connect API, started on a fresh schema and called directly (no
// gateway in front): wallets, FX, contracts, milestones, idempotency and who may do what.
#include "escrow_service.hpp"

#include <cstdlib>
#include <ctime>

#include <catch2/catch.hpp>

#include "escrow_itest_support.hpp"
#include "market/connect/error_details.hpp"

namespace market::escrow::itest {
namespace {

TEST_CASE("a top-up moves money in once per idempotency key", "[escrow][idempotency]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const auto first = escrow.TopUp(client, "USD", 150000, "top-up-1");
  REQUIRE(first.ok());
  CHECK(first->balance().available().minor_units() == 150000);

  SECTION("the same key and body returns the first answer and moves nothing") {
    const auto again = escrow.TopUp(client, "USD", 150000, "top-up-1");
    REQUIRE(again.ok());
    CHECK(again->transfer_id() == first->transfer_id());
    CHECK(again->payment_reference() == first->payment_reference());
    CHECK(again->balance().available().minor_units() == 150000);
    CHECK(escrow.WalletBalance(client, "USD") == 150000);
  }
  SECTION("the same key with another body is already_exists and moves nothing") {
    const auto other = escrow.TopUp(client, "USD", 150001, "top-up-1");
    CHECK(CodeOf(other) == StatusCode::kAlreadyExists);
    CHECK(other.status().message().rfind("idempotency_key: ", 0) == 0);
    CHECK(escrow.WalletBalance(client, "USD") == 150000);
  }
  SECTION("keys belong to their caller: another client's same key is a new top-up") {
    const User other = NewUser(auth::Role::kClient);
    REQUIRE(escrow.TopUp(other, "USD", 150000, "top-up-1").ok());
    CHECK(escrow.WalletBalance(other, "USD") == 150000);
    CHECK(escrow.WalletBalance(client, "USD") == 150000);
  }
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("top-ups refuse bad input naming the field", "[escrow][validation]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  CHECK(escrow.TopUp(client, "XYZ", 100).status().message().rfind("amount.currency", 0) == 0);
  CHECK(escrow.TopUp(client, "USD", 0).status().message().rfind("amount: ", 0) == 0);
  CHECK(escrow.TopUp(client, "USD", 100000001).status().message().rfind("amount: ", 0) == 0);
  CHECK(escrow.TopUp(client, "USD", 100, "").status().message() == "idempotency_key: is required");
  CHECK(escrow.TopUp(client, "USD", 100, "has space")
            .status()
            .message()
            .rfind("idempotency_key: ", 0) == 0);
  v1::TopUpWalletRequest declined;
  declined.set_idempotency_key("declined-1");
  *declined.mutable_amount() = M("USD", 100);
  declined.set_payment_token("sandbox-decline");
  CHECK(CodeOf(escrow.Client().TopUpWallet(declined, Escrow::As(client.bearer))) ==
        StatusCode::kFailedPrecondition);
  CHECK(escrow.WalletBalance(client, "USD") == 0);
  // Only clients top up; a freelancer's token is refused before the handler.
  const User freelancer = NewUser(auth::Role::kFreelancer);
  CHECK(CodeOf(escrow.TopUp(freelancer, "USD", 100)) == StatusCode::kPermissionDenied);
}

TEST_CASE("1 JPY and 0.001 KWD go in, into escrow and back out exactly", "[escrow][money]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  for (const char* currency : {"JPY", "KWD"}) {
    CAPTURE(currency);
    REQUIRE(escrow.TopUp(client, currency, 1).ok());
    const v1::Contract contract = escrow.NewContract(client, freelancer, currency, {1});
    CHECK(contract.milestones(0).amount().minor_units() == 1);
    REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());
    CHECK(escrow.WalletBalance(client, currency) == 0);
    REQUIRE(escrow.Cancel(client, Escrow::Ref(contract, 0)).ok());
    const auto cancelled = escrow.Cancel(freelancer, Escrow::Ref(contract, 0));
    REQUIRE(cancelled.ok());
    CHECK(cancelled->cancelled());
    CHECK(cancelled->refunded().minor_units() == 1);
    CHECK(escrow.WalletBalance(client, currency) == 1);
  }
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("FX rates: operators load them, everyone reads them, older quotes are skipped",
          "[escrow][fx]") {
  Escrow escrow;
  escrow.LoadRate("EUR", "USD", "1.084200");
  const User freelancer = NewUser(auth::Role::kFreelancer);
  v1::GetFxRatesRequest get;
  get.set_base_currency("EUR");
  const auto rates = escrow.Client().GetFxRates(get, Escrow::As(freelancer.bearer));
  REQUIRE(rates.ok());
  REQUIRE(rates->rates_size() == 1);
  CHECK(rates->rates(0).rate() == "1.0842");  // exact, canonical

  v1::LoadFxRatesRequest stale;
  *stale.add_rates() = rates->rates(0);
  stale.mutable_rates(0)->set_rate("2");
  const auto skipped = escrow.Client().LoadFxRates(stale, Escrow::As(escrow.Operator().bearer));
  REQUIRE(skipped.ok());
  CHECK(skipped->stored() == 0);
  CHECK(skipped->skipped_pairs(0) == "EUR/USD");
  CHECK(escrow.OutboxCounts().at("FxRatesUpdated") == 1);  // the skipped load published nothing

  CHECK(CodeOf(escrow.Client().LoadFxRates(stale, Escrow::As(freelancer.bearer))) ==
        StatusCode::kPermissionDenied);
  stale.mutable_rates(0)->set_rate("1.5e3");
  CHECK(escrow.Client()
            .LoadFxRates(stale, Escrow::As(escrow.Operator().bearer))
            .status()
            .message()
            .rfind("rates[0].rate: ", 0) == 0);
  stale.mutable_rates(0)->set_rate("0.1");
  stale.mutable_rates(0)->set_quote_currency("EUR");
  CHECK(CodeOf(escrow.Client().LoadFxRates(stale, Escrow::As(escrow.Operator().bearer))) ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("a contract is created once per source and locks the current rate",
          "[escrow][contract]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  v1::CreateContractRequest request;
  request.set_source(v1::CONTRACT_SOURCE_BOUGHT_OFFER);
  request.set_source_id(NewId());
  request.set_title("Logo design");
  request.set_client_id(client.id);
  request.set_client_country("DE");
  request.set_freelancer_id(freelancer.id);
  request.set_freelancer_country("AR");
  *request.add_milestones()->mutable_amount() = M("EUR", 50000);
  request.mutable_milestones(0)->set_title("Logo");
  request.set_payout_currency("USD");

  // No rate yet: refused, nothing created.
  CHECK(CodeOf(escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()))) ==
        StatusCode::kFailedPrecondition);
  escrow.LoadRate("EUR", "USD", "1.0842");
  const auto created = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
  REQUIRE(created.ok());
  CHECK(created->created());
  const v1::Contract& contract = created->contract();
  CHECK(contract.locked_rate().rate() == "1.0842");
  CHECK(contract.policy().review_window_seconds() == 14 * 24 * 3600);
  CHECK(contract.policy().freelancer_fee_basis_points().value() == 1000);
  CHECK(contract.milestones(0).state() == v1::MILESTONE_STATE_PENDING);

  // A later rate does not change it; the same source returns the same contract.
  escrow.LoadRate("EUR", "USD", "1.2");
  const auto again = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer("listings")));
  REQUIRE(again.ok());
  CHECK_FALSE(again->created());
  CHECK(again->contract().id() == contract.id());
  CHECK(escrow.Get(client, contract.id()).locked_rate().rate() == "1.0842");
  CHECK(escrow.Get(freelancer, contract.id()).policy().freelancer_fee_basis_points().value() ==
        1000);

  SECTION("only services create contracts") {
    CHECK(CodeOf(escrow.Client().CreateContract(request, Escrow::As(client.bearer))) ==
          StatusCode::kPermissionDenied);
    CHECK(CodeOf(escrow.Client().CreateContract(request, Escrow::As(escrow.Operator().bearer))) ==
          StatusCode::kPermissionDenied);
  }
  SECTION("bad terms are invalid_argument naming the field") {
    const std::pair<std::function<void(v1::CreateContractRequest&)>, std::string> rows[] = {
        {[](auto& r) { r.set_source_id("bid-1"); }, "source_id: "},
        {[](auto& r) { r.set_title(" "); }, "title: "},
        {[&](auto& r) { r.set_freelancer_id(client.id); }, "freelancer_id: "},
        {[](auto& r) { r.set_client_country("XX"); }, "client_country: "},
        {[](auto& r) { r.clear_milestones(); }, "milestones: "},
        {[](auto& r) { r.mutable_milestones(0)->mutable_amount()->set_minor_units(0); },
         "milestones[0].amount: "},
        {[](auto& r) {
           *r.add_milestones() = r.milestones(0);
           r.mutable_milestones(1)->mutable_amount()->set_currency("USD");
         },
         "milestones[1].amount.currency: "},
        {[](auto& r) { r.mutable_milestones(0)->mutable_amount()->set_minor_units(1000000001); },
         "milestones: "},
        {[](auto& r) { r.set_payout_currency("usd"); }, "payout_currency: "},
        {[](auto& r) { r.mutable_policy()->set_review_window_seconds(-1); },
         "policy.review_window_seconds: "},
        {[](auto& r) {
           r.mutable_policy()->mutable_freelancer_fee_basis_points()->set_value(5001);
         },
         "policy.freelancer_fee_basis_points: "},
    };
    for (const auto& [mutate, prefix] : rows) {
      CAPTURE(prefix);
      v1::CreateContractRequest bad = request;
      bad.set_source_id(NewId());
      mutate(bad);
      const auto refused = escrow.Client().CreateContract(bad, Escrow::As(ServiceBearer()));
      CHECK(CodeOf(refused) == StatusCode::kInvalidArgument);
      CHECK(refused.status().message().rfind(prefix, 0) == 0);
    }
  }
}

TEST_CASE("a fixed-price milestone is funded, submitted and released at the locked rate",
          "[escrow][money]") {
  Escrow escrow;
  escrow.LoadRate("EUR", "USD", "1.0842");
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "EUR", {100000}, "USD");
  const v1::MilestoneRef ref = Escrow::Ref(contract, 0);

  CHECK(escrow.Fund(client, ref).status().message().rfind("wallet: ", 0) == 0);
  REQUIRE(escrow.TopUp(client, "EUR", 120000).ok());
  const auto funded = escrow.Fund(client, ref, "fund-1");
  REQUIRE(funded.ok());
  CHECK(funded->milestone().state() == v1::MILESTONE_STATE_FUNDED);
  CHECK(funded->wallet().available().minor_units() == 20000);
  // A retried fund with its key answers the same and does not charge the wallet twice.
  REQUIRE(escrow.Fund(client, ref, "fund-1").ok());
  CHECK(escrow.WalletBalance(client, "EUR") == 20000);
  // A fresh key on a funded milestone is refused.
  CHECK(CodeOf(escrow.Fund(client, ref)) == StatusCode::kFailedPrecondition);

  CHECK(CodeOf(escrow.Approve(client, ref)) == StatusCode::kFailedPrecondition);
  const auto submitted = escrow.Submit(freelancer, ref);
  REQUIRE(submitted.ok());
  CHECK(submitted->milestone().has_review_deadline());
  // The deadline answered is the one stored, which the auto-approver goes by: the contract's
  // review window (14 days) after the submission, on database time.
  const v1::Milestone stored = escrow.Get(client, contract.id()).milestones(0);
  CHECK(stored.review_deadline().seconds() == submitted->milestone().review_deadline().seconds());
  CHECK(stored.review_deadline().nanos() == submitted->milestone().review_deadline().nanos());
  CHECK(std::abs(stored.review_deadline().seconds() - 14 * 24 * 3600 - std::time(nullptr)) < 60);

  const auto approved = escrow.Approve(client, ref, "approve-1");
  REQUIRE(approved.ok());
  CHECK(approved->release().gross().minor_units() == 100000);
  CHECK(approved->release().fee().minor_units() == 10000);
  CHECK(approved->release().paid().currency() == "USD");
  CHECK(approved->release().paid().minor_units() == 97578);  // 900.00 EUR * 1.0842
  CHECK(escrow.WalletBalance(freelancer, "USD") == 97578);

  // Money rule 5: the held amount resolved once; a second approval is a typed error.
  const auto twice = escrow.Approve(client, ref, "approve-2");
  CHECK(CodeOf(twice) == StatusCode::kFailedPrecondition);
  const auto reason = connect::ErrorInfoOf(twice.status());
  REQUIRE(reason);
  CHECK(reason->reason == "ALREADY_RESOLVED");
  // The first key still answers with the first release.
  const auto replay = escrow.Approve(client, ref, "approve-1");
  REQUIRE(replay.ok());
  CHECK(replay->release().transfer_id() == approved->release().transfer_id());
  CHECK(escrow.WalletBalance(freelancer, "USD") == 97578);

  CHECK(escrow.Get(client, contract.id()).state() == v1::CONTRACT_STATE_COMPLETED);
  // One event per step, written with it: replays and refusals wrote none.
  const std::map<std::string, int> events{{"ContractCreated", 1},   {"FxRatesUpdated", 1},
                                          {"MilestoneFunded", 1},   {"MilestoneSubmitted", 1},
                                          {"MilestoneReleased", 1}, {"ContractCompleted", 1}};
  CHECK(escrow.OutboxCounts() == events);
  const auto check = escrow.CheckLedger();
  CHECK(check.ok());
  for (const auto& currency : check.currencies()) CHECK(currency.sum_minor_units() == 0);
}

TEST_CASE("a partial approval refunds the rest or rolls it into the next milestone",
          "[escrow][money]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "USD", {10000, 3000});
  REQUIRE(escrow.TopUp(client, "USD", 10000).ok());
  REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());
  REQUIRE(escrow.Submit(freelancer, Escrow::Ref(contract, 0)).ok());

  v1::ApproveMilestoneRequest partial;
  partial.set_idempotency_key(NewId());
  *partial.mutable_milestone() = Escrow::Ref(contract, 0);
  *partial.mutable_release_amount() = M("USD", 6005);
  CHECK(escrow.Client()
            .ApproveMilestone(partial, Escrow::As(client.bearer))
            .status()
            .message()
            .rfind("remainder: ", 0) == 0);

  SECTION("refund") {
    partial.set_remainder(v1::REMAINDER_REFUND);
    const auto approved = escrow.Client().ApproveMilestone(partial, Escrow::As(client.bearer));
    REQUIRE(approved.ok());
    CHECK(approved->refunded().minor_units() == 3995);
    CHECK(approved->rolled().minor_units() == 0);
    // 60.05 USD at 10 %: fee 6.005 -> 6.00 and net 54.045 -> 54.04 (both ties to even), so
    // 0.01 is left over for the rounding account.
    CHECK(approved->release().fee().minor_units() == 600);
    CHECK(approved->release().paid().minor_units() == 5404);
    CHECK(escrow.WalletBalance(client, "USD") == 3995);
    CHECK(escrow.WalletBalance(freelancer, "USD") == 5404);
  }
  SECTION("roll to next, the excess refunded") {
    partial.set_remainder(v1::REMAINDER_ROLL_TO_NEXT);
    const auto approved = escrow.Client().ApproveMilestone(partial, Escrow::As(client.bearer));
    REQUIRE(approved.ok());
    CHECK(approved->rolled().minor_units() == 3000);
    CHECK(approved->refunded().minor_units() == 995);
    const v1::Contract after = escrow.Get(client, contract.id());
    CHECK(after.milestones(1).state() == v1::MILESTONE_STATE_FUNDED);
    CHECK(after.milestones(1).held().minor_units() == 3000);
    CHECK(escrow.WalletBalance(client, "USD") == 995);
  }
  const auto check = escrow.CheckLedger();
  CHECK(check.ok());
  bool rounding_seen = false;
  for (const auto& figure : check.currencies(0).accounts()) {
    if (figure.kind() == "rounding") rounding_seen = figure.recomputed().minor_units() == 1;
  }
  CHECK(rounding_seen);
}

TEST_CASE("changes requested send a milestone back to work and stop its review window",
          "[escrow][milestone]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "USD", {2500});
  const v1::MilestoneRef ref = Escrow::Ref(contract, 0);
  REQUIRE(escrow.TopUp(client, "USD", 2500).ok());
  REQUIRE(escrow.Fund(client, ref).ok());
  REQUIRE(escrow.Submit(freelancer, ref).ok());

  v1::RequestChangesRequest changes;
  changes.set_idempotency_key(NewId());
  *changes.mutable_milestone() = ref;
  changes.set_reason("");
  CHECK(escrow.Client().RequestChanges(changes, Escrow::As(client.bearer)).status().message() ==
        "reason: must not be empty");
  changes.set_reason("The export misses the CSV header.");
  CHECK(CodeOf(escrow.Client().RequestChanges(changes, Escrow::As(freelancer.bearer))) ==
        StatusCode::kPermissionDenied);
  const auto sent_back = escrow.Client().RequestChanges(changes, Escrow::As(client.bearer));
  REQUIRE(sent_back.ok());
  CHECK(sent_back->milestone().state() == v1::MILESTONE_STATE_FUNDED);
  CHECK_FALSE(sent_back->milestone().has_review_deadline());
  CHECK(CodeOf(escrow.Approve(client, ref)) == StatusCode::kFailedPrecondition);
  CHECK(escrow.Get(client, contract.id()).milestones(0).held().minor_units() == 2500);

  REQUIRE(escrow.Submit(freelancer, ref).ok());
  REQUIRE(escrow.Approve(client, ref).ok());
  CHECK(escrow.WalletBalance(freelancer, "USD") == 2250);
}

TEST_CASE("a cancellation needs both parties and refunds what is held", "[escrow][milestone]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "USD", {700, 300});
  REQUIRE(escrow.TopUp(client, "USD", 700).ok());
  REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());

  const auto asked = escrow.Cancel(freelancer, Escrow::Ref(contract, 0));
  REQUIRE(asked.ok());
  CHECK_FALSE(asked->cancelled());
  CHECK(asked->milestone().cancel_requested_by() == "freelancer");
  // Asking again from the same side changes nothing; the money stays held.
  REQUIRE(escrow.Cancel(freelancer, Escrow::Ref(contract, 0)).ok());
  CHECK(escrow.WalletBalance(client, "USD") == 0);
  const auto agreed = escrow.Cancel(client, Escrow::Ref(contract, 0));
  REQUIRE(agreed.ok());
  CHECK(agreed->cancelled());
  CHECK(agreed->refunded().minor_units() == 700);
  CHECK(escrow.WalletBalance(client, "USD") == 700);
  // An unfunded milestone cancels the same way, moving nothing; then the contract is complete.
  REQUIRE(escrow.Cancel(client, Escrow::Ref(contract, 1)).ok());
  const auto second = escrow.Cancel(freelancer, Escrow::Ref(contract, 1));
  REQUIRE(second.ok());
  CHECK(second->refunded().minor_units() == 0);
  CHECK(escrow.Get(client, contract.id()).state() == v1::CONTRACT_STATE_COMPLETED);
  CHECK(CodeOf(escrow.Cancel(client, Escrow::Ref(contract, 0))) == StatusCode::kFailedPrecondition);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("only a contract's parties see and move it, each on its own side", "[escrow][auth]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User other_client = NewUser(auth::Role::kClient);
  const User other_freelancer = NewUser(auth::Role::kFreelancer);
  // One account holding both roles, party to nothing.
  const User both{NewId(), ""};
  const std::string both_bearer =
      UserBearer(both.id, {auth::Role::kClient, auth::Role::kFreelancer});
  const v1::Contract contract = escrow.NewContract(client, freelancer, "USD", {1000});
  const v1::MilestoneRef ref = Escrow::Ref(contract, 0);
  REQUIRE(escrow.TopUp(client, "USD", 1000).ok());
  REQUIRE(escrow.TopUp(other_client, "USD", 1000).ok());

  v1::GetContractRequest get;
  get.set_contract_id(contract.id());
  CHECK(CodeOf(escrow.Client().GetContract(get, Escrow::As(other_client.bearer))) ==
        StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Client().GetContract(get, Escrow::As(both_bearer))) == StatusCode::kNotFound);
  CHECK(escrow.Client().GetContract(get, Escrow::As(escrow.Operator().bearer)).ok());

  // A milestone of someone else's contract, named under one's own contract, is not found there:
  // whether fund, submission or approval reads one milestone or all of the contract's.
  const v1::Contract others = escrow.NewContract(other_client, other_freelancer, "USD", {700});
  v1::MilestoneRef crossed = ref;
  crossed.set_milestone_id(others.milestones(0).id());
  CHECK(CodeOf(escrow.Fund(client, crossed)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Submit(freelancer, crossed)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Approve(client, crossed)) == StatusCode::kNotFound);
  CHECK(escrow.WalletBalance(client, "USD") == 1000);
  CHECK(escrow.Get(other_client, others.id()).milestones(0).state() == v1::MILESTONE_STATE_PENDING);

  // Funding: a stranger gets not_found, the freelancer's role is refused.
  CHECK(CodeOf(escrow.Fund(other_client, ref)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Fund(freelancer, ref)) == StatusCode::kPermissionDenied);
  REQUIRE(escrow.Fund(client, ref).ok());
  CHECK(escrow.WalletBalance(other_client, "USD") == 1000);

  // Submitting: only the contract's freelancer.
  CHECK(CodeOf(escrow.Submit(other_freelancer, ref)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Submit(client, ref)) == StatusCode::kPermissionDenied);
  REQUIRE(escrow.Submit(freelancer, ref).ok());

  // Approving: only the contract's client.
  CHECK(CodeOf(escrow.Approve(other_client, ref)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Approve(freelancer, ref)) == StatusCode::kPermissionDenied);

  // Disputes: parties only; the queue and resolution: operators only.
  CHECK(CodeOf(escrow.Dispute(other_client, ref)) == StatusCode::kNotFound);
  CHECK(CodeOf(escrow.Client().ListDisputes({}, Escrow::As(client.bearer))) ==
        StatusCode::kPermissionDenied);
  CHECK(CodeOf(escrow.Client().CheckLedger({}, Escrow::As(client.bearer))) ==
        StatusCode::kPermissionDenied);
  CHECK(CodeOf(escrow.Client().GetEscrowSummary({}, Escrow::As(freelancer.bearer))) ==
        StatusCode::kPermissionDenied);

  // Listing shows each party its own contracts only.
  const auto mine = escrow.Client().ListMyContracts({}, Escrow::As(freelancer.bearer));
  REQUIRE(mine.ok());
  REQUIRE(mine->contracts_size() == 1);
  CHECK(mine->contracts(0).id() == contract.id());
  const auto theirs = escrow.Client().ListMyContracts({}, Escrow::As(other_client.bearer));
  REQUIRE(theirs.ok());
  REQUIRE(theirs->contracts_size() == 1);
  CHECK(theirs->contracts(0).id() == others.id());
  const auto none = escrow.Client().ListMyContracts({}, Escrow::As(both_bearer));
  REQUIRE(none.ok());
  CHECK(none->contracts().empty());
}

TEST_CASE("a dispute freezes the funds until an operator splits them", "[escrow][dispute]") {
  Escrow escrow;
  escrow.LoadRate("EUR", "USD", "1.0842");
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "EUR", {10000}, "USD");
  const v1::MilestoneRef ref = Escrow::Ref(contract, 0);
  REQUIRE(escrow.TopUp(client, "EUR", 10000).ok());
  REQUIRE(escrow.Fund(client, ref).ok());
  CHECK(CodeOf(escrow.Dispute(client, ref)) == StatusCode::kFailedPrecondition);  // not submitted
  REQUIRE(escrow.Submit(freelancer, ref).ok());
  const auto opened = escrow.Dispute(client, ref);
  REQUIRE(opened.ok());
  const v1::Dispute& dispute = opened->dispute();
  CHECK(dispute.held().minor_units() == 10000);
  CHECK(dispute.opened_by() == "client");

  // Frozen: no approval, no cancellation, no second dispute.
  CHECK(CodeOf(escrow.Approve(client, ref)) == StatusCode::kFailedPrecondition);
  REQUIRE(escrow.Cancel(client, ref).status().code() == StatusCode::kFailedPrecondition);
  CHECK(CodeOf(escrow.Dispute(freelancer, ref)) == StatusCode::kFailedPrecondition);

  v1::RespondToDisputeRequest respond;
  respond.set_idempotency_key(NewId());
  respond.set_dispute_id(dispute.id());
  respond.set_statement("Everything agreed was delivered.");
  CHECK(CodeOf(escrow.Client().RespondToDispute(respond, Escrow::As(client.bearer))) ==
        StatusCode::kPermissionDenied);
  REQUIRE(escrow.Client().RespondToDispute(respond, Escrow::As(freelancer.bearer)).ok());

  const auto queue = escrow.Client().ListDisputes({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(queue.ok());
  REQUIRE(queue->disputes_size() == 1);
  CHECK(queue->disputes(0).trail_size() == 2);

  v1::ResolveDisputeRequest resolve;
  resolve.set_idempotency_key(NewId());
  resolve.set_dispute_id(dispute.id());
  *resolve.mutable_to_freelancer() = M("EUR", 6000);
  *resolve.mutable_to_client() = M("EUR", 3999);
  resolve.set_reason("Two of three deliverables accepted.");
  CHECK(CodeOf(escrow.Client().ResolveDispute(resolve, Escrow::As(client.bearer))) ==
        StatusCode::kPermissionDenied);
  CHECK(escrow.Client()
            .ResolveDispute(resolve, Escrow::As(escrow.Operator().bearer))
            .status()
            .message()
            .rfind("to_client: ", 0) == 0);  // 6000 + 3999 != 10000
  *resolve.mutable_to_client() = M("EUR", 4000);
  resolve.set_idempotency_key(NewId());
  const auto resolved =
      escrow.Client().ResolveDispute(resolve, Escrow::As(escrow.Operator().bearer));
  REQUIRE(resolved.ok());
  CHECK(resolved->dispute().state() == v1::DISPUTE_STATE_RESOLVED);
  CHECK(resolved->dispute().trail_size() == 3);
  CHECK(resolved->release().paid().minor_units() == 5855);  // 54.00 EUR * 1.0842 = 58.5468
  CHECK(escrow.WalletBalance(client, "EUR") == 4000);
  CHECK(escrow.WalletBalance(freelancer, "USD") == 5855);

  resolve.set_idempotency_key(NewId());
  CHECK(CodeOf(escrow.Client().ResolveDispute(resolve, Escrow::As(escrow.Operator().bearer))) ==
        StatusCode::kFailedPrecondition);
  CHECK(escrow.Get(freelancer, contract.id()).milestones(0).state() ==
        v1::MILESTONE_STATE_RESOLVED);
  const auto events = escrow.OutboxCounts();
  CHECK(events.at("DisputeOpened") == 1);
  CHECK(events.at("DisputeResolved") == 1);
  CHECK(events.at("MilestoneReleased") == 1);
  CHECK(events.at("MilestoneRefunded") == 1);
  CHECK(events.at("ContractCompleted") == 1);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("the dispute queue sorts by age, amount and deadline", "[escrow][dispute]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  REQUIRE(escrow.TopUp(client, "USD", 400).ok());
  // Opened first: small, answer due in a day. Opened second: large, answer due in an hour.
  const v1::Contract small = escrow.NewContract(client, freelancer, "USD", {100}, "", 0, 86400);
  const v1::Contract large = escrow.NewContract(client, freelancer, "USD", {300}, "", 0, 3600);
  std::vector<std::string> ids;
  for (const v1::Contract* contract : {&small, &large}) {
    REQUIRE(escrow.Fund(client, Escrow::Ref(*contract, 0)).ok());
    REQUIRE(escrow.Submit(freelancer, Escrow::Ref(*contract, 0)).ok());
    const auto opened = escrow.Dispute(freelancer, Escrow::Ref(*contract, 0));
    REQUIRE(opened.ok());
    ids.push_back(opened->dispute().id());
  }
  const auto order = [&](v1::DisputeOrder by) {
    v1::ListDisputesRequest request;
    request.set_order(by);
    const auto queue = escrow.Client().ListDisputes(request, Escrow::As(escrow.Operator().bearer));
    REQUIRE(queue.ok());
    std::vector<std::string> listed;
    for (const auto& dispute : queue->disputes()) listed.push_back(dispute.id());
    return listed;
  };
  CHECK(order(v1::DISPUTE_ORDER_UNSPECIFIED) == ids);
  CHECK(order(v1::DISPUTE_ORDER_AGE) == ids);
  const std::vector<std::string> reversed{ids[1], ids[0]};
  CHECK(order(v1::DISPUTE_ORDER_AMOUNT) == reversed);
  CHECK(order(v1::DISPUTE_ORDER_DEADLINE) == reversed);
  v1::ListDisputesRequest resolved;
  resolved.set_state(v1::DISPUTE_STATE_RESOLVED);
  const auto none = escrow.Client().ListDisputes(resolved, Escrow::As(escrow.Operator().bearer));
  REQUIRE(none.ok());
  CHECK(none->disputes().empty());
  v1::ListDisputesRequest too_many;
  too_many.set_limit(101);
  CHECK(escrow.Client()
            .ListDisputes(too_many, Escrow::As(escrow.Operator().bearer))
            .status()
            .message()
            .rfind("limit: ", 0) == 0);
}

TEST_CASE("the operator's summary shows the money held per currency and state",
          "[escrow][operator]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const v1::Contract contract = escrow.NewContract(client, freelancer, "JPY", {5000, 7000});
  REQUIRE(escrow.TopUp(client, "JPY", 12000).ok());
  REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());
  REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 1)).ok());
  REQUIRE(escrow.Submit(freelancer, Escrow::Ref(contract, 1)).ok());
  const auto summary = escrow.Client().GetEscrowSummary({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(summary.ok());
  REQUIRE(summary->held_size() == 2);
  CHECK(summary->held(0).state() == "MILESTONE_STATE_FUNDED");
  CHECK(summary->held(0).held().minor_units() == 5000);
  CHECK(summary->held(1).state() == "MILESTONE_STATE_SUBMITTED");
  CHECK(summary->held(1).held().minor_units() == 7000);
  REQUIRE(summary->ageing_size() == 1);
  CHECK(summary->ageing(0).bucket() == "0-7d");
  CHECK(summary->ageing(0).held().minor_units() == 12000);
}

}  // namespace
}  // namespace market::escrow::itest
