// Weekly invoices through the Connect API and the invoice worker: a closed week becomes one
// invoice of exactly minutes x rate / 60 funded into escrow; empty weeks make none; a closed
// week's entries never change; the UTC week boundary; release after the review window exactly
// once with two hosts; a disputed invoice frozen and split by an operator; payment_due and the
// paused contract when the wallet is short; and the whole hourly path. The ledger check passes
// after each.
//
// Each contract's test clock (AdvanceContractClock) puts it in the middle of next week, so that
// whole days of its week lie behind it whatever the real time; weeks close either through the
// worker handed a later instant or by moving the clock.
#include "invoice_worker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "escrow_itest_support.hpp"
#include "market/connect/error_details.hpp"
#include "utc_week.hpp"

namespace market::escrow::itest {
namespace {

inline constexpr std::int64_t kHourMicros = 60 * kMinuteMicros;

std::string ReasonOf(const Status& status) {
  const auto reason = connect::ErrorInfoOf(status);
  return reason ? reason->reason : "";
}

google::protobuf::Timestamp At(std::int64_t micros) {
  google::protobuf::Timestamp at;
  at.set_seconds(micros / 1000000);
  return at;
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t MicrosOf(const google::protobuf::Timestamp& at) {
  return at.seconds() * 1000000 + at.nanos() / 1000;
}

template <typename Done>
bool WaitFor(Done done, std::chrono::seconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

// Counts the transfers of `kind` per milestone, straight from the ledger.
std::map<std::string, long long> TransfersPerMilestone(const testing::TestDatabase& database,
                                                       const std::string& kind) {
  pg::Pool pool({.dsn = database.dsn});
  std::map<std::string, long long> counts;
  REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
            counts.clear();
            for (const auto& row : tx.exec_params(
                     "SELECT milestone_id::text AS id, count(*) AS n FROM transfers "
                     "WHERE kind = $1 AND milestone_id IS NOT NULL GROUP BY milestone_id",
                     kind)) {
              counts[row["id"].as<std::string>()] = row["n"].as<long long>();
            }
            return OkStatus();
          }).ok());
  return counts;
}

// An hourly contract whose clock runs at Wednesday 12:00 UTC of next week, with calls for its
// diary and invoices.
class Hourly {
 public:
  Hourly(Escrow& escrow, std::int64_t rate, std::int64_t invoice_review_window_seconds = 0,
         const std::string& payout_currency = "USD")
      : escrow_(escrow) {
    v1::CreateContractRequest request =
        Escrow::HourlyRequest(client, freelancer, "USD", rate, /*weekly_hour_limit=*/40);
    request.set_payout_currency(payout_currency);
    request.mutable_policy()->set_invoice_review_window_seconds(invoice_review_window_seconds);
    const auto created = escrow.Client().CreateContract(request, Escrow::As(ServiceBearer()));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    contract_ = created->contract();
    const std::int64_t now = NowMicros();
    MoveClockTo(UtcWeekStart(now) + kWeekMicros + 2 * kDayMicros + 12 * kHourMicros);
  }

  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);

  const std::string& id() const { return contract_.id(); }
  // Monday 00:00 UTC of the contract's current week, on its clock.
  std::int64_t week() const { return UtcWeekStart(contract_now_); }
  std::int64_t now() const { return contract_now_; }

  // Moves the contract's clock forward by `seconds`.
  void Advance(std::int64_t seconds) {
    v1::AdvanceContractClockRequest request;
    request.set_contract_id(contract_.id());
    request.set_seconds(seconds);
    const auto moved =
        escrow_.Client().AdvanceContractClock(request, Escrow::As(escrow_.Operator().bearer));
    INFO(moved.status().ToString());
    REQUIRE(moved.ok());
    contract_now_ = MicrosOf(moved->contract_now());
  }

  // Moves the clock to about `micros` (to the second).
  void MoveClockTo(std::int64_t micros) {
    const std::int64_t seconds = (micros - NowMicros() - contract_now_offset_) / 1000000;
    REQUIRE(seconds >= 1);
    Advance(seconds);
    contract_now_offset_ = contract_now_ - NowMicros();
  }

  StatusOr<v1::LogTimeResponse> Log(std::int64_t start_micros, int minutes,
                                    const std::string& memo = "Fixed the checkout flow") {
    v1::LogTimeRequest request;
    request.set_contract_id(contract_.id());
    *request.mutable_start() = At(start_micros);
    request.set_minutes(minutes);
    request.set_memo(memo);
    return escrow_.Client().LogTime(request, Escrow::As(freelancer.bearer));
  }

  std::vector<v1::Invoice> Invoices(const User& as) {
    v1::ListInvoicesRequest request;
    request.set_contract_id(contract_.id());
    const auto listed = escrow_.Client().ListInvoices(request, Escrow::As(as.bearer));
    INFO(listed.status().ToString());
    REQUIRE(listed.ok());
    return {listed->invoices().begin(), listed->invoices().end()};
  }

  StatusOr<v1::GetInvoiceResponse> Get(const User& as, const std::string& invoice_id) {
    v1::GetInvoiceRequest request;
    request.set_invoice_id(invoice_id);
    return escrow_.Client().GetInvoice(request, Escrow::As(as.bearer));
  }

  StatusOr<v1::DisputeInvoiceResponse> Dispute(const User& as, const std::string& invoice_id) {
    v1::DisputeInvoiceRequest request;
    request.set_idempotency_key(NewId());
    request.set_invoice_id(invoice_id);
    request.set_reason("Eight of these hours were not agreed.");
    return escrow_.Client().DisputeInvoice(request, Escrow::As(as.bearer));
  }

  v1::Contract Contract() { return escrow_.Get(client, contract_.id()); }

 private:
  Escrow& escrow_;
  v1::Contract contract_;
  std::int64_t contract_now_ = 0;
  std::int64_t contract_now_offset_ = 0;  // contract time - real time
};

// A worker on the service's database, for closing weeks at a later instant.
struct Worker {
  explicit Worker(Escrow& escrow) : pool({.dsn = escrow.database().dsn}), invoices(pool) {}
  pg::Pool pool;
  InvoiceWorker invoices;
};

// The instant a worker must be handed to close the contract's current week.
std::int64_t AfterWeekOf(const Hourly& contract) {
  return NowMicros() + (contract.week() + kWeekMicros - contract.now()) + kMinuteMicros;
}

TEST_CASE("a closed week becomes one invoice of minutes x rate / 60, half-even, held in escrow",
          "[escrow][invoice]") {
  Escrow escrow;
  Worker worker(escrow);
  // 45 + 46 minutes at 45.30 an hour: 91 x 4530 / 60 = 6870.5, a tie, to the even 6870.
  Hourly contract(escrow, 4530);
  REQUIRE(escrow.TopUp(contract.client, "USD", 100000).ok());
  const auto first = contract.Log(contract.week() + kHourMicros, 45, "Checkout flow");
  REQUIRE(first.ok());
  const auto second = contract.Log(contract.week() + kDayMicros, 46, "Payment retries");
  REQUIRE(second.ok());

  // Not before the week ends.
  REQUIRE(worker.invoices.CloseOneWeek(AfterWeekOf(contract) - 2 * kMinuteMicros).ok());
  CHECK(contract.Invoices(contract.client).empty());

  const auto closed = worker.invoices.CloseOneWeek(AfterWeekOf(contract));
  REQUIRE(closed.ok());
  CHECK(*closed);
  const auto again = worker.invoices.CloseOneWeek(AfterWeekOf(contract));
  REQUIRE(again.ok());
  CHECK_FALSE(*again);

  const std::vector<v1::Invoice> invoices = contract.Invoices(contract.client);
  REQUIRE(invoices.size() == 1);
  const v1::Invoice& invoice = invoices[0];
  CHECK(invoice.state() == v1::INVOICE_STATE_IN_REVIEW);
  CHECK(invoice.minutes() == 91);
  CHECK(invoice.amount().minor_units() == 6870);
  CHECK(invoice.amount().currency() == "USD");
  CHECK(invoice.held().minor_units() == 6870);
  CHECK(invoice.hourly_rate().minor_units() == 4530);
  CHECK(MicrosOf(invoice.week_start()) == contract.week());
  CHECK(MicrosOf(invoice.week_end()) == contract.week() + kWeekMicros);
  // The default review window: 5 days from issue, on database time.
  CHECK(MicrosOf(invoice.review_deadline()) - MicrosOf(invoice.issued_at()) == 5 * kDayMicros);
  CHECK(escrow.WalletBalance(contract.client, "USD") == 100000 - 6870);
  CHECK(contract.Contract().milestones().empty());  // invoices are not shown as milestones

  SECTION("the document lists the week's entries; parties and operators read it, nobody else") {
    const auto got = contract.Get(contract.client, invoice.id());
    REQUIRE(got.ok());
    const v1::InvoiceDocument& document = got->invoice().document();
    REQUIRE(document.lines_size() == 2);
    CHECK(document.lines(0).memo() == "Checkout flow");
    CHECK(document.lines(0).minutes() == 45);
    CHECK(document.lines(1).memo() == "Payment retries");
    CHECK(document.lines(1).time_entry_id() == second->entry().id());
    CHECK(document.client_country() == "DE");
    CHECK(contract.Get(contract.freelancer, invoice.id()).ok());
    CHECK(contract.Get(escrow.Operator(), invoice.id()).ok());
    const User stranger = NewUser(auth::Role::kClient);
    CHECK(CodeOf(contract.Get(stranger, invoice.id())) == StatusCode::kNotFound);
    v1::ListInvoicesRequest theirs;
    theirs.set_contract_id(contract.id());
    CHECK(CodeOf(escrow.Client().ListInvoices(theirs, Escrow::As(stranger.bearer))) ==
          StatusCode::kNotFound);
    const auto all = escrow.Client().ListInvoices({}, Escrow::As(stranger.bearer));
    REQUIRE(all.ok());
    CHECK(all->invoices().empty());
  }
  SECTION("the closed week's entries can no longer change") {
    const auto late = contract.Log(contract.week() + 2 * kDayMicros, 30);
    CHECK(ReasonOf(late.status()) == "WEEK_CLOSED");
    v1::DeleteTimeEntryRequest remove;
    remove.set_contract_id(contract.id());
    remove.set_entry_id(first->entry().id());
    const auto removed =
        escrow.Client().DeleteTimeEntry(remove, Escrow::As(contract.freelancer.bearer));
    CHECK(ReasonOf(removed.status()) == "WEEK_CLOSED");
    v1::ListTimeEntriesRequest list;
    list.set_contract_id(contract.id());
    const auto listed = escrow.Client().ListTimeEntries(list, Escrow::As(contract.client.bearer));
    REQUIRE(listed.ok());
    CHECK(listed->closed());
    CHECK(listed->total_minutes() == 91);
  }
  SECTION("milestone methods never move an invoice") {
    v1::MilestoneRef ref;
    ref.set_contract_id(contract.id());
    ref.set_milestone_id(invoice.id());
    const auto approved = escrow.Approve(contract.client, ref);
    CHECK(ReasonOf(approved.status()) == "IS_INVOICE");
    const auto disputed = escrow.Dispute(contract.client, ref);
    CHECK(ReasonOf(disputed.status()) == "IS_INVOICE");
  }
  auto counts = escrow.OutboxCounts();
  CHECK(counts["InvoiceIssued"] == 1);
  CHECK(counts["MilestoneFunded"] == 1);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE("a week with no entries makes no invoice", "[escrow][invoice]") {
  Escrow escrow;
  Worker worker(escrow);
  Hourly empty(escrow, 5000);
  Hourly emptied(escrow, 5000);
  const auto logged = emptied.Log(emptied.week() + kHourMicros, 60);
  REQUIRE(logged.ok());
  v1::DeleteTimeEntryRequest remove;
  remove.set_contract_id(emptied.id());
  remove.set_entry_id(logged->entry().id());
  REQUIRE(escrow.Client().DeleteTimeEntry(remove, Escrow::As(emptied.freelancer.bearer)).ok());

  const auto closed = worker.invoices.CloseOneWeek(AfterWeekOf(empty) + kWeekMicros);
  REQUIRE(closed.ok());
  CHECK_FALSE(*closed);
  CHECK(empty.Invoices(empty.client).empty());
  CHECK(emptied.Invoices(emptied.client).empty());
  CHECK(escrow.OutboxCounts()["InvoiceIssued"] == 0);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE(
    "an entry at Sunday 23:59 UTC is invoiced with its week, one at Monday 00:00 with the "
    "next",
    "[escrow][invoice]") {
  Escrow escrow;
  Worker worker(escrow);
  Hourly contract(escrow, 6000);  // 100 minor units a minute
  REQUIRE(escrow.TopUp(contract.client, "USD", 100000).ok());
  const std::int64_t monday = contract.week() + kWeekMicros;
  contract.MoveClockTo(monday - 30 * 1000000);  // Sunday 23:59:30
  REQUIRE(contract.week() == monday - kWeekMicros);
  REQUIRE(contract.Log(monday - kMinuteMicros, 1, "Sunday 23:59").ok());
  contract.Advance(60);  // Monday 00:00:30
  REQUIRE(contract.week() == monday);
  REQUIRE(contract.Log(monday, 1, "Monday 00:00").ok());

  // On database time (the contract's clock): the Sunday week has ended, the Monday one not.
  REQUIRE(WaitFor([&] { return contract.Invoices(contract.client).size() == 1; }));
  REQUIRE(worker.invoices.CloseOneWeek().ok());
  const std::vector<v1::Invoice> first = contract.Invoices(contract.client);
  REQUIRE(first.size() == 1);
  CHECK(MicrosOf(first[0].week_start()) == monday - kWeekMicros);
  CHECK(first[0].minutes() == 1);
  CHECK(first[0].amount().minor_units() == 100);
  REQUIRE(contract.Get(contract.client, first[0].id())->invoice().document().lines(0).memo() ==
          "Sunday 23:59");

  REQUIRE(worker.invoices.CloseOneWeek(AfterWeekOf(contract)).ok());
  const std::vector<v1::Invoice> both = contract.Invoices(contract.client);
  REQUIRE(both.size() == 2);
  CHECK(MicrosOf(both[0].week_start()) == monday);  // newest first
  CHECK(both[0].minutes() == 1);
  CHECK(contract.Get(contract.client, both[0].id())->invoice().document().lines(0).memo() ==
        "Monday 00:00");
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE(
    "invoices are released after their review window exactly once with two hosts and two "
    "week-closing workers",
    "[escrow][invoice][race]") {
  Escrow first(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-a"}});
  Escrow second(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-b"}},
                first.database());
  constexpr int kContracts = 6;
  std::vector<std::unique_ptr<Hourly>> contracts;
  for (int i = 0; i < kContracts; ++i) {
    contracts.push_back(std::make_unique<Hourly>(i % 2 == 0 ? first : second, 6000, 2));
    REQUIRE(first.TopUp(contracts.back()->client, "USD", 10000).ok());
    REQUIRE(contracts.back()->Log(contracts.back()->week() + kHourMicros, 10 * (i + 1)).ok());
  }
  // Two workers close the same weeks at once: each week becomes one invoice.
  Worker worker_a(first);
  Worker worker_b(second);
  std::atomic<bool> go{false};
  std::atomic<int> issued{0};
  std::atomic<int> failures{0};
  const std::int64_t later = AfterWeekOf(*contracts[0]);
  const auto close_all = [&](InvoiceWorker& worker) {
    while (!go) std::this_thread::yield();
    for (;;) {
      const StatusOr<bool> closed = worker.CloseOneWeek(later);
      if (!closed.ok()) ++failures;
      if (!closed.ok() || !*closed) return;
      ++issued;
    }
  };
  std::thread a([&] { close_all(worker_a.invoices); });
  std::thread b([&] { close_all(worker_b.invoices); });
  go = true;
  a.join();
  b.join();
  CHECK(failures == 0);
  REQUIRE(worker_a.invoices.CloseOneWeek(later).ok());  // whatever a skipped row left over
  std::int64_t expected_paid = 0;
  for (int i = 0; i < kContracts; ++i) {
    const auto invoices = contracts[i]->Invoices(contracts[i]->client);
    REQUIRE(invoices.size() == 1);
    CHECK(invoices[0].amount().minor_units() == 1000 * (i + 1));
    expected_paid += 900 * (i + 1);  // 10 % fee
  }
  CHECK(issued <= kContracts);

  // Both hosts' auto-approval workers release them when the 2-second window passes.
  const auto paid = [&] {
    std::int64_t sum = 0;
    for (const auto& c : contracts) sum += first.WalletBalance(c->freelancer, "USD");
    return sum;
  };
  REQUIRE(WaitFor([&] { return paid() >= expected_paid; }));
  std::this_thread::sleep_for(3s);  // time for a double release to show, were there one
  CHECK(paid() == expected_paid);
  const auto releases = TransfersPerMilestone(first.database(), "release");
  CHECK(releases.size() == kContracts);
  for (const auto& [invoice, count] : releases) {
    CAPTURE(invoice);
    CHECK(count == 1);
  }
  for (const auto& c : contracts) {
    CHECK(c->Invoices(c->client)[0].state() == v1::INVOICE_STATE_RELEASED);
  }
  CHECK(first.OutboxCounts()["InvoiceReleased"] == kContracts);
  CHECK(first.OutboxCounts()["InvoiceIssued"] == kContracts);
  CHECK(first.CheckLedger().ok());
}

TEST_CASE("a disputed invoice is frozen past its window until an operator splits it",
          "[escrow][invoice][dispute]") {
  Escrow escrow;
  Worker worker(escrow);
  // A 5-second window: long enough to dispute in, short enough to wait past.
  Hourly contract(escrow, 6000, 5);
  REQUIRE(escrow.TopUp(contract.client, "USD", 100000).ok());
  REQUIRE(contract.Log(contract.week() + kHourMicros, 100).ok());  // 10000
  REQUIRE(worker.invoices.CloseOneWeek(AfterWeekOf(contract)).ok());
  const std::string invoice_id = contract.Invoices(contract.client).at(0).id();

  CHECK(CodeOf(contract.Dispute(contract.freelancer, invoice_id)) == StatusCode::kPermissionDenied);
  const auto disputed = contract.Dispute(contract.client, invoice_id);
  INFO(disputed.status().ToString());
  REQUIRE(disputed.ok());
  CHECK(disputed->invoice().state() == v1::INVOICE_STATE_DISPUTED);
  CHECK(disputed->dispute().held().minor_units() == 10000);
  CHECK(disputed->dispute().opened_by() == "client");
  const auto twice = contract.Dispute(contract.client, invoice_id);
  CHECK(ReasonOf(twice.status()) == "NOT_IN_REVIEW");

  std::this_thread::sleep_for(6s);  // past the window: the auto-approver must leave it alone
  CHECK(escrow.WalletBalance(contract.freelancer, "USD") == 0);
  CHECK(contract.Invoices(contract.client).at(0).state() == v1::INVOICE_STATE_DISPUTED);

  v1::ListInvoicesRequest queue;
  queue.set_state(v1::INVOICE_STATE_DISPUTED);
  const auto listed = escrow.Client().ListInvoices(queue, Escrow::As(escrow.Operator().bearer));
  REQUIRE(listed.ok());
  REQUIRE(listed->invoices_size() == 1);
  CHECK(listed->invoices(0).id() == invoice_id);
  const auto disputes = escrow.Client().ListDisputes({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(disputes.ok());
  REQUIRE(disputes->disputes_size() == 1);
  CHECK(disputes->disputes(0).milestone_id() == invoice_id);

  v1::ResolveDisputeRequest resolve;
  resolve.set_idempotency_key(NewId());
  resolve.set_dispute_id(disputed->dispute().id());
  *resolve.mutable_to_freelancer() = M("USD", 6001);
  *resolve.mutable_to_client() = M("USD", 3999);
  resolve.set_reason("Six of the ten hours are documented.");
  const auto resolved =
      escrow.Client().ResolveDispute(resolve, Escrow::As(escrow.Operator().bearer));
  INFO(resolved.status().ToString());
  REQUIRE(resolved.ok());
  const v1::Invoice after = contract.Get(contract.client, invoice_id)->invoice();
  CHECK(after.state() == v1::INVOICE_STATE_RESOLVED);
  CHECK(after.released().minor_units() == 6001);
  CHECK(after.refunded().minor_units() == 3999);
  CHECK(after.held().minor_units() == 0);
  // 6001 less a 10 % fee of 600.1, half-even: 600; the freelancer gets 5401.
  CHECK(escrow.WalletBalance(contract.freelancer, "USD") == 5401);
  CHECK(escrow.WalletBalance(contract.client, "USD") == 100000 - 10000 + 3999);
  CHECK(escrow.OutboxCounts()["InvoiceDisputed"] == 1);
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE(
    "an invoice the wallet cannot cover is payment_due and pauses the contract until the "
    "client tops up",
    "[escrow][invoice]") {
  Escrow escrow;
  Worker worker(escrow);
  Hourly contract(escrow, 6000);
  REQUIRE(escrow.TopUp(contract.client, "USD", 5000).ok());
  REQUIRE(contract.Log(contract.week() + kHourMicros, 120).ok());  // 12000
  REQUIRE(worker.invoices.CloseOneWeek(AfterWeekOf(contract)).ok());

  const v1::Invoice due = contract.Invoices(contract.client).at(0);
  CHECK(due.state() == v1::INVOICE_STATE_PAYMENT_DUE);
  CHECK(due.amount().minor_units() == 12000);
  CHECK(due.held().minor_units() == 0);
  CHECK_FALSE(due.has_review_deadline());
  CHECK(escrow.WalletBalance(contract.client, "USD") == 5000);  // nothing moved
  CHECK(contract.Contract().state() == v1::CONTRACT_STATE_PAUSED);
  CHECK(escrow.OutboxCounts()["ContractPaused"] == 1);
  const auto logged = contract.Log(contract.week() + 2 * kDayMicros, 30);
  CHECK(ReasonOf(logged.status()) == "NOT_ACTIVE");
  v1::ResumeContractRequest resume;
  resume.set_contract_id(contract.id());
  const auto early = escrow.Client().ResumeContract(resume, Escrow::As(contract.client.bearer));
  CHECK(ReasonOf(early.status()) == "PAYMENT_DUE");

  // Operators see it.
  v1::ListInvoicesRequest queue;
  queue.set_state(v1::INVOICE_STATE_PAYMENT_DUE);
  const auto listed = escrow.Client().ListInvoices(queue, Escrow::As(escrow.Operator().bearer));
  REQUIRE(listed.ok());
  REQUIRE(listed->invoices_size() == 1);
  CHECK(listed->invoices(0).id() == due.id());
  const auto summary = escrow.Client().GetEscrowSummary({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(summary.ok());
  REQUIRE(summary->invoices_size() == 1);
  CHECK(summary->invoices(0).state() == "INVOICE_STATE_PAYMENT_DUE");
  CHECK(summary->invoices(0).amount().minor_units() == 12000);
  CHECK(summary->invoices(0).invoices() == 1);
  CHECK(escrow.CheckLedger().ok());

  // A top-up that covers it: the worker funds it and its review starts.
  REQUIRE(escrow.TopUp(contract.client, "USD", 10000).ok());
  REQUIRE(WaitFor([&] {
    return contract.Invoices(contract.client).at(0).state() == v1::INVOICE_STATE_IN_REVIEW;
  }));
  const v1::Invoice funded = contract.Invoices(contract.client).at(0);
  CHECK(funded.held().minor_units() == 12000);
  CHECK(funded.has_review_deadline());
  CHECK(escrow.WalletBalance(contract.client, "USD") == 3000);
  CHECK(TransfersPerMilestone(escrow.database(), "fund")[due.id()] == 1);
  const auto in_review = escrow.Client().GetEscrowSummary({}, Escrow::As(escrow.Operator().bearer));
  REQUIRE(in_review.ok());
  REQUIRE(in_review->invoices_size() == 1);
  CHECK(in_review->invoices(0).state() == "INVOICE_STATE_IN_REVIEW");
  // Funding does not resume the contract; the client does, now that nothing is due.
  CHECK(contract.Contract().state() == v1::CONTRACT_STATE_PAUSED);
  const auto resumed = escrow.Client().ResumeContract(resume, Escrow::As(contract.client.bearer));
  INFO(resumed.status().ToString());
  CHECK(resumed.ok());
  CHECK(escrow.CheckLedger().ok());
}

TEST_CASE(
    "the hourly path: two weeks logged, one invoice disputed and split, one released, a payout",
    "[escrow][invoice][path]") {
  Escrow escrow;
  escrow.LoadRate("USD", "EUR", "0.9213");
  Hourly contract(escrow, 4000, 5, "EUR");
  REQUIRE(escrow.TopUp(contract.client, "USD", 200000).ok());

  // Week 1: 5 hours. The contract's clock moves a week on; the service's own worker closes it.
  REQUIRE(contract.Log(contract.week() + kHourMicros, 180, "API design").ok());
  REQUIRE(contract.Log(contract.week() + kDayMicros, 120, "Webhooks").ok());
  contract.Advance(7 * 24 * 3600);
  REQUIRE(WaitFor([&] { return contract.Invoices(contract.client).size() == 1; }));
  const v1::Invoice week1 = contract.Invoices(contract.client).at(0);
  CHECK(week1.minutes() == 300);
  CHECK(week1.amount().minor_units() == 20000);
  REQUIRE(week1.state() == v1::INVOICE_STATE_IN_REVIEW);

  // The client disputes it; an operator splits it.
  const auto disputed = contract.Dispute(contract.client, week1.id());
  REQUIRE(disputed.ok());
  v1::ResolveDisputeRequest resolve;
  resolve.set_idempotency_key(NewId());
  resolve.set_dispute_id(disputed->dispute().id());
  *resolve.mutable_to_freelancer() = M("USD", 15000);
  *resolve.mutable_to_client() = M("USD", 5000);
  resolve.set_reason("The webhook hours were outside the agreed scope.");
  REQUIRE(escrow.Client().ResolveDispute(resolve, Escrow::As(escrow.Operator().bearer)).ok());
  // 15000 USD less 10 %: 13500 USD at 0.9213: 12437.55 EUR cents, half-even 12438.
  CHECK(escrow.WalletBalance(contract.freelancer, "EUR") == 12438);

  // Week 2: 2 hours 30, then the clock moves on again.
  REQUIRE(contract.Log(contract.week() + kHourMicros, 150, "Retry queue").ok());
  contract.Advance(7 * 24 * 3600);
  REQUIRE(WaitFor([&] { return contract.Invoices(contract.client).size() == 2; }));
  const v1::Invoice week2 = contract.Invoices(contract.client).at(0);
  CHECK(week2.minutes() == 150);
  CHECK(week2.amount().minor_units() == 10000);
  // Released by the auto-approval worker after the 5-second window.
  REQUIRE(WaitFor([&] {
    return contract.Invoices(contract.client).at(0).state() == v1::INVOICE_STATE_RELEASED;
  }));
  // 10000 USD less 10 %: 9000 USD at 0.9213: 8291.70, half-even 8292 EUR cents.
  CHECK(escrow.WalletBalance(contract.freelancer, "EUR") == 12438 + 8292);
  CHECK(escrow.WalletBalance(contract.client, "USD") == 200000 - 20000 + 5000 - 10000);

  // The freelancer (in DE, no withholding by the default rule) withdraws 200.00 EUR through
  // payout clearing; the rest stays in the wallet.
  const auto paid = Payout(escrow, contract.freelancer, "EUR", 20000);
  INFO(paid.status().ToString());
  REQUIRE(paid.ok());
  CHECK(paid->payout().state() == v1::PAYOUT_STATE_PAID);
  CHECK(escrow.WalletBalance(contract.freelancer, "EUR") == 12438 + 8292 - 20000);
  const auto payouts = escrow.Client().ListPayouts({}, Escrow::As(contract.freelancer.bearer));
  REQUIRE(payouts.ok());
  REQUIRE(payouts->payouts_size() == 1);
  CHECK(payouts->payouts(0).id() == paid->payout().id());

  const auto counts = escrow.OutboxCounts();
  CHECK(counts.at("InvoiceIssued") == 2);
  CHECK(counts.at("InvoiceDisputed") == 1);
  CHECK(counts.at("InvoiceReleased") == 1);
  CHECK(counts.at("DisputeResolved") == 1);
  CHECK(escrow.CheckLedger().ok());
}

}  // namespace
}  // namespace market::escrow::itest
