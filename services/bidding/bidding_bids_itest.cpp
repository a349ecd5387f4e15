// The freelancer's side against a real bidding service: the rules of placing a bid (each with
// its code and reason), revisions, withdrawal, visibility, statistics, the credit ledger, and the
// job events that expire bids and return credits.
#include "bidding_itest_support.hpp"

namespace market::bidding::itest {
namespace {

StatusCode CodeOf(const StatusOr<v1::Bid>& result) { return result.status().code(); }

}  // namespace

TEST_CASE("placing a bid follows the job's rules, each with its code and reason",
          "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client();
  const Account freelancer = Freelancer("DE");
  const lv1::Job job = bidding.PostJob(OpenJob(client));

  SECTION("a bid on an open job is placed, active, with its first revision") {
    auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000));
    REQUIRE(bid.ok());
    CHECK(bid->status() == v1::BID_STATUS_ACTIVE);
    CHECK(bid->revision() == 1);
    CHECK(bid->freelancer_country() == "DE");
    CHECK(bid->payout_currency() == "EUR");
    CHECK(bidding.OutboxCount("BidPlaced", job.id()) == 1);
  }
  SECTION("one active bid per freelancer and job") {
    REQUIRE(bidding.Place(freelancer, job.id(), FixedTerms(200000)).ok());
    auto second = bidding.Place(freelancer, job.id(), FixedTerms(190000));
    CHECK(CodeOf(second) == StatusCode::kAlreadyExists);
    CHECK(ReasonOf(second.status()) == "ACTIVE_BID_EXISTS");
  }
  SECTION("a job bidding has not heard of is not_found") {
    auto bid = bidding.Place(freelancer, NewId(), FixedTerms(200000));
    CHECK(CodeOf(bid) == StatusCode::kNotFound);
    CHECK(ReasonOf(bid.status()) == "JOB_NOT_FOUND");
  }
  SECTION("only freelancers bid") {
    v1::PlaceBidRequest request;
    request.set_job_id(job.id());
    *request.mutable_terms() = FixedTerms(200000);
    CHECK(bidding.Call().PlaceBid(request, Bidding::As(Client())).status().code() ==
          StatusCode::kPermissionDenied);
  }
  SECTION("never on one's own job") {
    Account both = freelancer;
    lv1::Job own = OpenJob(both);
    bidding.PostJob(own);
    auto bid = bidding.Place(both, own.id(), FixedTerms(200000));
    CHECK(CodeOf(bid) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(bid.status()) == "OWN_JOB");
  }
  SECTION("only on open jobs") {
    lv1::JobClosed closed;
    *closed.mutable_job() = job;
    closed.mutable_job()->set_status(lv1::JOB_STATUS_CLOSED);
    closed.mutable_job()->set_version(2);
    bidding.PublishJob(closed);
    auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000));
    CHECK(CodeOf(bid) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(bid.status()) == "JOB_NOT_OPEN");
  }
  SECTION("only before the deadline") {
    bidding.Shift(24h * 8);
    auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000));
    CHECK(CodeOf(bid) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(bid.status()) == "BID_DEADLINE_PASSED");
  }
  SECTION("invite-only jobs take bids from invited freelancers only") {
    lv1::Job invite_only = OpenJob(client);
    invite_only.set_visibility(lv1::JOB_VISIBILITY_INVITE_ONLY);
    bidding.PostJob(invite_only);
    auto stranger = bidding.Place(freelancer, invite_only.id(), FixedTerms(200000));
    CHECK(CodeOf(stranger) == StatusCode::kNotFound);
    CHECK(ReasonOf(stranger.status()) == "JOB_NOT_FOUND");

    lv1::JobInvited invited;
    *invited.mutable_job() = invite_only;
    invited.mutable_job()->add_invited_freelancer_ids(freelancer.id);
    invited.add_freelancer_ids(freelancer.id);
    bidding.PublishJob(invited);
    auto bid = bidding.Place(freelancer, invite_only.id(), FixedTerms(200000));
    REQUIRE(bid.ok());
    CHECK(bid->invited());
    CHECK(bid->credits_spent() == 0);
  }
  SECTION("the job's allowed countries apply to the token's country") {
    lv1::Job french_only = OpenJob(client);
    french_only.add_allowed_countries("FR");
    bidding.PostJob(french_only);
    auto german = bidding.Place(freelancer, french_only.id(), FixedTerms(200000));
    CHECK(CodeOf(german) == StatusCode::kPermissionDenied);
    CHECK(ReasonOf(german.status()) == "COUNTRY_NOT_ALLOWED");
    CHECK(bidding.Place(Freelancer("FR"), french_only.id(), FixedTerms(200000)).ok());
  }
  SECTION("the job's allowed languages apply to the languages of the freelancer's profile") {
    lv1::Job german_speakers = OpenJob(client);
    german_speakers.add_allowed_languages("de");
    bidding.PostJob(german_speakers);
    auto no_profile = bidding.Place(freelancer, german_speakers.id(), FixedTerms(200000));
    CHECK(CodeOf(no_profile) == StatusCode::kPermissionDenied);
    CHECK(ReasonOf(no_profile.status()) == "LANGUAGE_NOT_ALLOWED");
    CHECK(no_profile.status().message().find("no languages") != std::string::npos);

    bidding.PublishProfile(freelancer, {"en", "fr"}, 1);
    auto french = bidding.Place(freelancer, german_speakers.id(), FixedTerms(200000));
    CHECK(ReasonOf(french.status()) == "LANGUAGE_NOT_ALLOWED");
    CHECK(french.status().message().find("en, fr") != std::string::npos);

    bidding.PublishProfile(freelancer, {"en", "de"}, 3);
    // A late event of an older profile version changes nothing.
    bidding.PublishProfile(freelancer, {"en"}, 2);
    CHECK(bidding.Place(freelancer, german_speakers.id(), FixedTerms(200000)).ok());
    // A job allowing any language takes a freelancer without a profile.
    CHECK(bidding.Place(Freelancer("DE"), job.id(), FixedTerms(200000)).ok());
  }
  SECTION("the currency must be the job's") {
    auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000, "USD"));
    CHECK(CodeOf(bid) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(bid.status()) == "CURRENCY_MISMATCH");
  }
  SECTION("an hourly bid for hourly jobs only") {
    v1::BidTerms hourly;
    *hourly.mutable_hourly_rate() = Amount("EUR", 6000);
    hourly.set_delivery_days(30);
    hourly.set_weekly_hour_limit(20);
    hourly.set_cover_letter("Hourly, please.");
    auto bid = bidding.Place(freelancer, job.id(), hourly);
    CHECK(CodeOf(bid) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(bid.status()) == "BID_KIND_MISMATCH");
  }
  SECTION("amounts are positive, within bounds, and milestones sum exactly") {
    auto zero = bidding.Place(freelancer, job.id(), FixedTerms(0));
    CHECK(CodeOf(zero) == StatusCode::kInvalidArgument);
    v1::BidTerms uneven = FixedTerms(200000);
    uneven.mutable_milestones(1)->mutable_amount()->set_minor_units(1);
    auto bad_sum = bidding.Place(freelancer, job.id(), uneven);
    CHECK(CodeOf(bad_sum) == StatusCode::kInvalidArgument);
    CHECK(bad_sum.status().message().starts_with("terms.milestones:"));
    CHECK(bidding.Scalar("SELECT count(*) FROM bids") == 0);
  }
}

TEST_CASE("a revised bid keeps its history, visible to both sides", "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client();
  const Account freelancer = Freelancer();
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  auto placed = bidding.Place(freelancer, job.id(), FixedTerms(200000));
  REQUIRE(placed.ok());

  v1::ReviseBidRequest revise;
  revise.set_bid_id(placed->id());
  *revise.mutable_terms() = FixedTerms(180000);
  revise.set_expected_revision(1);
  auto revised = bidding.Call().ReviseBid(revise, Bidding::As(freelancer));
  REQUIRE(revised.ok());
  CHECK(revised->bid().revision() == 2);
  CHECK(revised->bid().terms().fixed_price().minor_units() == 180000);
  CHECK(bidding.OutboxCount("BidRevised", job.id()) == 1);

  SECTION("a stale expected_revision is aborted and changes nothing") {
    auto stale = bidding.Call().ReviseBid(revise, Bidding::As(freelancer));
    CHECK(stale.status().code() == StatusCode::kAborted);
    CHECK(ReasonOf(stale.status()) == "REVISION_MISMATCH");
  }
  SECTION("the freelancer and the job's owner both read every revision") {
    v1::GetBidRequest get;
    get.set_bid_id(placed->id());
    for (const Account& reader : {freelancer, client}) {
      auto read = bidding.Call().GetBid(get, Bidding::As(reader));
      REQUIRE(read.ok());
      REQUIRE(read->revisions_size() == 2);
      CHECK(read->revisions(0).terms().fixed_price().minor_units() == 200000);
      CHECK(read->revisions(1).terms().fixed_price().minor_units() == 180000);
      CHECK(read->bid().revision() == 2);
    }
  }
  SECTION("another freelancer cannot revise it: not_found") {
    revise.set_expected_revision(0);
    auto other = bidding.Call().ReviseBid(revise, Bidding::As(Freelancer()));
    CHECK(other.status().code() == StatusCode::kNotFound);
  }
}

TEST_CASE("a freelancer cannot read another's bid by id, listing or statistics",
          "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client();
  const Account mine = Freelancer();
  const Account other = Freelancer();
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  auto bid = bidding.Place(mine, job.id(), FixedTerms(200000));
  REQUIRE(bid.ok());

  v1::GetBidRequest get;
  get.set_bid_id(bid->id());
  CHECK(bidding.Call().GetBid(get, Bidding::As(other)).status().code() == StatusCode::kNotFound);
  CHECK(bidding.Call().GetBid(get, Bidding::As(Client())).status().code() == StatusCode::kNotFound);

  auto listed = bidding.Call().ListMyBids({}, Bidding::As(other));
  REQUIRE(listed.ok());
  CHECK(listed->bids_size() == 0);
  auto own = bidding.Call().ListMyBids({}, Bidding::As(mine));
  REQUIRE(own.ok());
  REQUIRE(own->bids_size() == 1);
  CHECK(own->bids(0).id() == bid->id());

  v1::ListJobBidsRequest list_job;
  list_job.set_job_id(job.id());
  CHECK(bidding.Call().ListJobBids(list_job, Bidding::As(Client())).status().code() ==
        StatusCode::kNotFound);

  // Statistics: hidden under three bids of others, then only aggregates.
  v1::GetBidStatsRequest stats_request;
  stats_request.set_job_id(job.id());
  auto hidden = bidding.Call().GetBidStats(stats_request, Bidding::As(other));
  REQUIRE(hidden.ok());
  CHECK(hidden->hidden());
  CHECK(hidden->count() == 0);
  CHECK_FALSE(hidden->has_min());
  REQUIRE(bidding.Place(Freelancer(), job.id(), FixedTerms(100000)).ok());
  REQUIRE(bidding.Place(Freelancer(), job.id(), FixedTerms(300000)).ok());
  REQUIRE(bidding.Place(Freelancer(), job.id(), FixedTerms(400000)).ok());
  auto shown = bidding.Call().GetBidStats(stats_request, Bidding::As(other));
  REQUIRE(shown.ok());
  CHECK_FALSE(shown->hidden());
  CHECK(shown->count() == 4);
  CHECK(shown->min().minor_units() == 100000);
  CHECK(shown->median().minor_units() == 200000);
  CHECK(shown->max().minor_units() == 400000);
  // The caller's own bid is left out of its statistics.
  auto of_mine = bidding.Call().GetBidStats(stats_request, Bidding::As(mine));
  REQUIRE(of_mine.ok());
  CHECK(of_mine->count() == 3);
  CHECK(of_mine->median().minor_units() == 300000);
}

TEST_CASE("a withdrawn bid stays withdrawn and frees the slot for a new bid",
          "[bidding][integration]") {
  Bidding bidding;
  const Account freelancer = Freelancer();
  const lv1::Job job = bidding.PostJob(OpenJob(Client()));
  auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000));
  REQUIRE(bid.ok());
  v1::WithdrawBidRequest withdraw;
  withdraw.set_bid_id(bid->id());
  CHECK(bidding.Call().WithdrawBid(withdraw, Bidding::As(Freelancer())).status().code() ==
        StatusCode::kNotFound);
  auto withdrawn = bidding.Call().WithdrawBid(withdraw, Bidding::As(freelancer));
  REQUIRE(withdrawn.ok());
  CHECK(withdrawn->bid().status() == v1::BID_STATUS_WITHDRAWN);
  auto again = bidding.Call().WithdrawBid(withdraw, Bidding::As(freelancer));
  CHECK(again.status().code() == StatusCode::kFailedPrecondition);
  CHECK(ReasonOf(again.status()) == "BID_NOT_ACTIVE");
  CHECK(bidding.OutboxCount("BidWithdrawn", job.id()) == 1);
  CHECK(bidding.Place(freelancer, job.id(), FixedTerms(210000)).ok());
}

TEST_CASE("bid credits: spent per bid by job size, refunded on cancel, reset monthly",
          "[bidding][integration][credits]") {
  Bidding bidding({{"MARKET_BIDDING_MONTHLY_CREDITS", "10"},
                   {"MARKET_BIDDING_CREDITS_SMALL_JOB", "2"},
                   {"MARKET_BIDDING_CREDITS_LARGE_JOB", "6"}});
  const Account client = Client();
  const Account freelancer = Freelancer();
  const auto balance = [&] {
    auto response = bidding.Call().GetCreditBalance({}, Bidding::As(freelancer));
    REQUIRE(response.ok());
    return *response;
  };
  CHECK(balance().balance() == 10);

  const lv1::Job small = bidding.PostJob(OpenJob(client));
  lv1::Job large = OpenJob(client);
  large.set_expected_duration(lv1::JOB_DURATION_MORE_THAN_SIX_MONTHS);
  bidding.PostJob(large);

  auto on_small = bidding.Call().PlaceBid(
      [&] {
        v1::PlaceBidRequest request;
        request.set_job_id(small.id());
        *request.mutable_terms() = FixedTerms(200000);
        return request;
      }(),
      Bidding::As(freelancer));
  REQUIRE(on_small.ok());
  CHECK(on_small->credit_balance() == 8);
  REQUIRE(bidding.Place(freelancer, large.id(), FixedTerms(200000)).ok());
  const auto after_bids = balance();
  CHECK(after_bids.balance() == 2);
  REQUIRE(after_bids.entries_size() == 3);
  CHECK(after_bids.entries(0).kind() == v1::CREDIT_ENTRY_KIND_MONTHLY_GRANT);
  CHECK(after_bids.entries(1).credits() == -2);
  CHECK(after_bids.entries(2).credits() == -6);

  SECTION("too few credits left: failed_precondition, nothing placed") {
    lv1::Job another_large = OpenJob(client);
    another_large.set_expected_duration(lv1::JOB_DURATION_MORE_THAN_SIX_MONTHS);
    bidding.PostJob(another_large);
    auto refused = bidding.Place(freelancer, another_large.id(), FixedTerms(200000));
    CHECK(CodeOf(refused) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(refused.status()) == "INSUFFICIENT_CREDITS");
    CHECK(balance().balance() == 2);
  }
  SECTION("a cancelled job returns the credits once, however often the event comes") {
    lv1::JobCancelled cancelled;
    *cancelled.mutable_job() = large;
    cancelled.mutable_job()->set_status(lv1::JOB_STATUS_CANCELLED);
    cancelled.mutable_job()->set_version(2);
    bidding.PublishJob(cancelled);
    bidding.PublishJob(cancelled);  // the same change again, under a new event id
    const auto refunded = balance();
    CHECK(refunded.balance() == 8);
    CHECK(refunded.entries(refunded.entries_size() - 1).kind() == v1::CREDIT_ENTRY_KIND_REFUND);
    auto mine = bidding.Call().ListMyBids({}, Bidding::As(freelancer));
    REQUIRE(mine.ok());
    int expired = 0;
    for (const auto& bid : mine->bids()) expired += bid.status() == v1::BID_STATUS_EXPIRED;
    CHECK(expired == 1);
  }
  SECTION("a new UTC month starts again from the allowance") {
    const auto current = balance();
    // Move the clock to the first instant of the next month.
    const auto next =
        std::chrono::system_clock::time_point(std::chrono::seconds(current.next_reset().seconds()));
    bidding.FreezeAt(next);
    const auto fresh = balance();
    CHECK(fresh.balance() == 10);
    CHECK(fresh.entries_size() == 1);
    CHECK(fresh.period_start().seconds() == current.next_reset().seconds());
    // One microsecond before, it was still the old month.
    bidding.FreezeAt(next - 1us);
    CHECK(balance().balance() == 2);
  }
}

TEST_CASE("job events expire bids that no longer fit, and a filled job's bids are not chosen",
          "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client();
  const Account freelancer = Freelancer();
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  auto bid = bidding.Place(freelancer, job.id(), FixedTerms(200000));
  REQUIRE(bid.ok());
  const auto status_of = [&](const std::string& id) {
    v1::GetBidRequest get;
    get.set_bid_id(id);
    auto read = bidding.Call().GetBid(get, Bidding::As(freelancer));
    REQUIRE(read.ok());
    return read->bid().status();
  };

  SECTION("an update to another currency expires the bid and returns its credits") {
    lv1::JobUpdated updated;
    *updated.mutable_job() = job;
    *updated.mutable_job()->mutable_budget()->mutable_fixed_price() = Amount("USD", 250000);
    updated.mutable_job()->set_version(2);
    bidding.PublishJob(updated);
    CHECK(status_of(bid->id()) == v1::BID_STATUS_EXPIRED);
    CHECK(bidding.Scalar("SELECT count(*) FROM credit_entries WHERE kind = 'refund'") == 1);
  }
  SECTION("an older event does not undo a newer one") {
    lv1::JobClosed closed;
    *closed.mutable_job() = job;
    closed.mutable_job()->set_status(lv1::JOB_STATUS_CLOSED);
    closed.mutable_job()->set_version(3);
    bidding.PublishJob(closed);
    lv1::JobUpdated stale;
    *stale.mutable_job() = job;
    stale.mutable_job()->set_version(2);
    bidding.PublishJob(stale);
    CHECK(CodeOf(bidding.Place(Freelancer(), job.id(), FixedTerms(1000))) ==
          StatusCode::kFailedPrecondition);
    // A closed job keeps its bids: the owner may still accept one.
    CHECK(status_of(bid->id()) == v1::BID_STATUS_ACTIVE);
  }
  SECTION("filled elsewhere: active bids are not chosen") {
    lv1::JobFilled filled;
    *filled.mutable_job() = job;
    filled.mutable_job()->set_status(lv1::JOB_STATUS_FILLED);
    filled.mutable_job()->set_version(2);
    filled.set_bid_id(NewId());
    bidding.PublishJob(filled);
    CHECK(status_of(bid->id()) == v1::BID_STATUS_NOT_CHOSEN);
    // Nothing leaves filled, whatever arrives later.
    lv1::JobUpdated reopened;
    *reopened.mutable_job() = job;
    reopened.mutable_job()->set_version(3);
    bidding.PublishJob(reopened);
    CHECK(bidding.Scalar("SELECT count(*) FROM jobs WHERE status = 'filled'") == 1);
  }
}

}  // namespace market::bidding::itest

namespace market::bidding::itest {

TEST_CASE("bids racing a job's cancellation: none stays active, every one is refunded",
          "[bidding][integration][race]") {
  Bidding bidding({{"MARKET_WORKER_THREADS", "16"}, {"MARKET_PG_POOL_SIZE", "16"}});
  constexpr int kRounds = 5;
  constexpr int kBidders = 12;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const lv1::Job job = bidding.PostJob(OpenJob(Client()));
    std::atomic<bool> go{false};
    std::atomic<int> placed{0};
    std::vector<std::thread> bidders;
    for (int i = 0; i < kBidders; ++i) {
      bidders.emplace_back([&] {
        const Account freelancer = Freelancer();
        while (!go) std::this_thread::yield();
        auto bid = bidding.Place(freelancer, job.id(), FixedTerms(100000));
        if (bid.ok()) {
          ++placed;
        } else {
          CHECK(ReasonOf(bid.status()) == "JOB_NOT_OPEN");
        }
      });
    }
    lv1::JobCancelled cancelled;
    *cancelled.mutable_job() = job;
    cancelled.mutable_job()->set_status(lv1::JOB_STATUS_CANCELLED);
    cancelled.mutable_job()->set_version(2);
    go = true;
    bidding.PublishJob(cancelled);
    for (auto& bidder : bidders) bidder.join();
    const std::string on_job = "job_id = '" + job.id() + "'";
    CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE " + on_job) == placed.load());
    CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE status = 'active' AND " + on_job) == 0);
    CHECK(bidding.Scalar("SELECT count(*) FROM credit_entries WHERE kind = 'refund' AND " +
                         on_job) == placed.load());
  }
}

TEST_CASE("bids placed in one batch are judged one by one; a freelancer's bids never share one",
          "[bidding][integration][batch]") {
  testing::EnvOverrides settings = OneBatchWriter();
  settings["MARKET_BIDDING_MONTHLY_CREDITS"] = "4";
  settings["MARKET_BIDDING_CREDITS_SMALL_JOB"] = "2";
  Bidding bidding(settings);
  const Account client = Client();
  const lv1::Job held = bidding.PostJob(OpenJob(client));
  const lv1::Job open = bidding.PostJob(OpenJob(client));
  const lv1::Job other = bidding.PostJob(OpenJob(client));
  const lv1::Job closed = bidding.PostJob(OpenJob(client));
  lv1::JobClosed closing;
  *closing.mutable_job() = closed;
  closing.mutable_job()->set_status(lv1::JOB_STATUS_CLOSED);
  closing.mutable_job()->set_version(2);
  bidding.PublishJob(closing);

  const Account has_bid = Freelancer();
  REQUIRE(bidding.Place(has_bid, open.id(), FixedTerms(200000)).ok());
  const Account broke = Freelancer();  // spends its 4 credits on two bids
  REQUIRE(bidding.Place(broke, other.id(), FixedTerms(200000)).ok());
  REQUIRE(bidding.Place(broke, held.id(), FixedTerms(200000)).ok());
  const Account first = Freelancer(), placed_a = Freelancer(), placed_b = Freelancer(),
                late = Freelancer(), lost = Freelancer(), twice = Freelancer();

  // The writer's batch waits for a row lock on `held`; the wave queues behind it.
  pqxx::connection holder(bidding.Dsn());
  pqxx::work lock(holder);
  bidding.LockJobRow(lock, held);
  const double before = PlacementsInFlight().Value();
  std::vector<std::thread> callers;
  StatusOr<v1::Bid> first_bid = InternalError("not run");
  callers.emplace_back([&] { first_bid = bidding.Place(first, held.id(), FixedTerms(200000)); });
  REQUIRE(Eventually([&] { return PlacementsInFlight().Value() == before + 1; }));

  struct Wave {
    const Account* freelancer;
    std::string job_id;
    StatusOr<v1::Bid> answer = InternalError("not run");
  };
  std::vector<Wave> wave = {{&placed_a, open.id()}, {&placed_b, open.id()}, {&late, closed.id()},
                            {&lost, NewId()},       {&has_bid, open.id()},  {&broke, open.id()},
                            {&twice, open.id()},    {&twice, other.id()}};
  for (Wave& call : wave) {
    callers.emplace_back(
        [&] { call.answer = bidding.Place(*call.freelancer, call.job_id, FixedTerms(150000)); });
  }
  REQUIRE(Eventually([&] { return PlacementsInFlight().Value() == before + 1 + wave.size(); }));
  lock.commit();
  for (auto& caller : callers) caller.join();

  REQUIRE(first_bid.ok());
  for (std::size_t i : {0u, 1u, 6u, 7u}) {
    INFO("call " << i);
    REQUIRE(wave[i].answer.ok());
  }
  CHECK(ReasonOf(wave[2].answer.status()) == "JOB_NOT_OPEN");
  CHECK(ReasonOf(wave[3].answer.status()) == "JOB_NOT_FOUND");
  CHECK(ReasonOf(wave[4].answer.status()) == "ACTIVE_BID_EXISTS");
  CHECK(ReasonOf(wave[5].answer.status()) == "INSUFFICIENT_CREDITS");

  // The two new freelancers' bids were written by one transaction, the twice-bidding
  // freelancer's two by two.
  const auto transactions = [&](const std::string& where) {
    return bidding.Scalar("SELECT count(DISTINCT xmin::text) FROM bids WHERE " + where);
  };
  CHECK(transactions("id IN ('" + wave[0].answer->id() + "', '" + wave[1].answer->id() + "')") ==
        1);
  CHECK(transactions("freelancer_id = '" + twice.id + "'") == 2);
  // Every balance is explained by its entries: 4 granted, 2 per placed bid.
  CHECK(bidding.Scalar("SELECT count(*) FROM (SELECT f.freelancer_id FROM credit_entries f "
                       "GROUP BY f.freelancer_id HAVING sum(f.credits) <> 4 - 2 * "
                       "(SELECT count(*) FROM bids b WHERE b.freelancer_id = f.freelancer_id)) "
                       "AS unexplained") == 0);
  CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE freelancer_id IN ('" + late.id + "', '" +
                       lost.id + "')") == 0);
  // One BidPlaced per bid: has_bid's first and the three of the wave on `open`.
  CHECK(bidding.OutboxCount("BidPlaced", open.id()) == 4);
  CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE job_id = '" + open.id() + "'") == 4);
}

TEST_CASE("when a batch fails as a whole, each of its bids is placed on its own",
          "[bidding][integration][batch]") {
  Bidding bidding(OneBatchWriter());
  const Account client = Client();
  const lv1::Job first_held = bidding.PostJob(OpenJob(client));
  const lv1::Job second_held = bidding.PostJob(OpenJob(client));
  const lv1::Job open = bidding.PostJob(OpenJob(client));
  pqxx::connection first_connection(bidding.Dsn()), second_connection(bidding.Dsn());
  pqxx::work first_lock(first_connection), second_lock(second_connection);
  bidding.LockJobRow(first_lock, first_held);
  bidding.LockJobRow(second_lock, second_held);
  const double before = PlacementsInFlight().Value();

  // The only writer waits on first_held; the hurried bid and the patient one queue behind it
  // and become one batch, which waits on second_held until the hurried bid's deadline ends it.
  StatusOr<v1::Bid> first = InternalError("not run");
  std::thread first_caller(
      [&] { first = bidding.Place(Freelancer(), first_held.id(), FixedTerms(200000)); });
  REQUIRE(Eventually([&] { return PlacementsInFlight().Value() == before + 1; }));
  Status hurried = InternalError("not run");
  std::thread hurried_caller([&] {
    v1::PlaceBidRequest request;
    request.set_job_id(second_held.id());
    *request.mutable_terms() = FixedTerms(200000);
    connect::CallOptions options = Bidding::As(Freelancer());
    options.deadline = std::chrono::steady_clock::now() + 3s;
    hurried = bidding.Call().PlaceBid(request, options).status();
  });
  REQUIRE(Eventually([&] { return PlacementsInFlight().Value() == before + 2; }));
  StatusOr<v1::Bid> patient = InternalError("not run");
  std::thread patient_caller(
      [&] { patient = bidding.Place(Freelancer(), open.id(), FixedTerms(200000)); });
  REQUIRE(Eventually([&] { return PlacementsInFlight().Value() == before + 3; }));
  first_lock.commit();
  first_caller.join();
  hurried_caller.join();
  patient_caller.join();
  second_lock.commit();

  REQUIRE(first.ok());
  CHECK(hurried.code() == StatusCode::kDeadlineExceeded);
  REQUIRE(patient.ok());
  CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE job_id = '" + second_held.id() + "'") == 0);
  CHECK(bidding.OutboxCount("BidPlaced", open.id()) == 1);
}

}  // namespace market::bidding::itest
