// The client's side against a real bidding service: listing the bids on one's job in three
// orders with keyset pages, shortlisting, rejecting, and accepting exactly one bid, also when
// accepts, withdrawals and retries race each other.
#include <atomic>
#include <set>

#include "bidding_itest_support.hpp"

namespace market::bidding::itest {
namespace {

v1::AcceptBidRequest Accept(const std::string& bid_id, const std::string& key) {
  v1::AcceptBidRequest request;
  request.set_bid_id(bid_id);
  request.set_idempotency_key(key);
  return request;
}

std::vector<std::string> AllPages(Bidding& bidding, const Account& client,
                                  v1::ListJobBidsRequest request, int page_size) {
  std::vector<std::string> ids;
  request.mutable_page()->set_page_size(page_size);
  for (int pages = 0; pages < 50; ++pages) {
    auto response = bidding.Call().ListJobBids(request, Bidding::As(client));
    REQUIRE(response.ok());
    for (const auto& bid : response->bids()) ids.push_back(bid.id());
    if (response->page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response->page().next_page_token());
  }
  return ids;
}

}  // namespace

TEST_CASE("a client lists the bids on its own job by amount, reputation or time, in pages",
          "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client();
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  // Amounts with a tie, placed in this order.
  const std::vector<std::int64_t> amounts = {300000, 100000, 200000, 100000, 500000};
  std::vector<v1::Bid> bids;
  std::vector<Account> freelancers;
  for (const std::int64_t amount : amounts) {
    freelancers.push_back(Freelancer());
    auto bid = bidding.Place(freelancers.back(), job.id(), FixedTerms(amount));
    REQUIRE(bid.ok());
    bids.push_back(*bid);
  }
  // Reputation's score events, as its relay publishes them.
  bidding.PublishScore(freelancers[2], 4.9, 12, 3);
  bidding.PublishScore(freelancers[4], 3.1, 2, 1);
  v1::ListJobBidsRequest request;
  request.set_job_id(job.id());

  SECTION("newest first") {
    CHECK(AllPages(bidding, client, request, 2) ==
          std::vector<std::string>{bids[4].id(), bids[3].id(), bids[2].id(), bids[1].id(),
                                   bids[0].id()});
  }
  SECTION("lowest amount first, ties newest first, across pages of two") {
    request.set_sort(v1::BID_SORT_AMOUNT_LOW_FIRST);
    CHECK(AllPages(bidding, client, request, 2) ==
          std::vector<std::string>{bids[3].id(), bids[1].id(), bids[2].id(), bids[0].id(),
                                   bids[4].id()});
  }
  SECTION("best reputation first, unrated last") {
    request.set_sort(v1::BID_SORT_REPUTATION);
    CHECK(AllPages(bidding, client, request, 2) ==
          std::vector<std::string>{bids[2].id(), bids[4].id(), bids[3].id(), bids[1].id(),
                                   bids[0].id()});
  }
  SECTION("a token of another order is invalid_argument") {
    request.mutable_page()->set_page_size(2);
    auto first = bidding.Call().ListJobBids(request, Bidding::As(client));
    REQUIRE(first.ok());
    request.set_sort(v1::BID_SORT_AMOUNT_LOW_FIRST);
    request.mutable_page()->set_page_token(first->page().next_page_token());
    CHECK(bidding.Call().ListJobBids(request, Bidding::As(client)).status().code() ==
          StatusCode::kInvalidArgument);
  }
  SECTION("shortlisted only, and rejected bids leave the active list") {
    v1::ShortlistBidRequest shortlist;
    shortlist.set_bid_id(bids[0].id());
    shortlist.set_shortlisted(true);
    REQUIRE(bidding.Call().ShortlistBid(shortlist, Bidding::As(client)).ok());
    CHECK(bidding.Call().ShortlistBid(shortlist, Bidding::As(Client())).status().code() ==
          StatusCode::kNotFound);
    request.set_shortlisted_only(true);
    CHECK(AllPages(bidding, client, request, 10) == std::vector<std::string>{bids[0].id()});

    v1::RejectBidRequest reject;
    reject.set_bid_id(bids[1].id());
    reject.set_reason("We need someone in our time zone.");
    auto rejected = bidding.Call().RejectBid(reject, Bidding::As(client));
    REQUIRE(rejected.ok());
    CHECK(rejected->bid().status() == v1::BID_STATUS_REJECTED);
    CHECK(bidding.OutboxCount("BidRejected", job.id()) == 1);
    request.set_shortlisted_only(false);
    CHECK(AllPages(bidding, client, request, 10).size() == 4);
    request.add_statuses(v1::BID_STATUS_REJECTED);
    CHECK(AllPages(bidding, client, request, 10) == std::vector<std::string>{bids[1].id()});
  }
}

TEST_CASE("accepting a bid fills the job, the others are not chosen, BidAccepted is written",
          "[bidding][integration]") {
  Bidding bidding;
  const Account client = Client("FR");
  const Account chosen = Freelancer("DE");
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  auto winner = bidding.Place(chosen, job.id(), FixedTerms(200000));
  auto loser = bidding.Place(Freelancer(), job.id(), FixedTerms(150000));
  REQUIRE(winner.ok());
  REQUIRE(loser.ok());

  SECTION("only the job's owner accepts") {
    auto stranger = bidding.Call().AcceptBid(Accept(winner->id(), "k1"), Bidding::As(Client()));
    CHECK(stranger.status().code() == StatusCode::kNotFound);
  }
  SECTION("the accepted terms travel in one BidAccepted event") {
    auto accepted = bidding.Call().AcceptBid(Accept(winner->id(), "k1"), Bidding::As(client));
    REQUIRE(accepted.ok());
    CHECK(accepted->bid().status() == v1::BID_STATUS_ACCEPTED);
    CHECK(bidding.OutboxCount("BidAccepted", job.id()) == 1);

    pqxx::connection connection(bidding.Dsn());
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(bidding.Schema()));
    const pqxx::row row =
        tx.exec1("SELECT payload FROM outbox WHERE event_type = 'market.bidding.v1.BidAccepted'");
    const pqxx::binarystring bytes(row["payload"]);
    v1::BidAccepted event;
    REQUIRE(event.ParseFromString(bytes.str()));
    CHECK(event.bid_id() == winner->id());
    CHECK(event.job_id() == job.id());
    CHECK(event.job_title() == job.title());
    CHECK(event.client_id() == client.id);
    CHECK(event.client_country() == "FR");
    CHECK(event.freelancer_id() == chosen.id);
    CHECK(event.freelancer_country() == "DE");
    CHECK(event.freelancer_payout_currency() == "EUR");
    CHECK(event.fixed_price().amount().minor_units() == 200000);
    CHECK(event.fixed_price().milestones_size() == 2);

    v1::GetBidRequest get;
    get.set_bid_id(loser->id());
    CHECK(bidding.Call().GetBid(get, Bidding::As(client))->bid().status() ==
          v1::BID_STATUS_NOT_CHOSEN);

    SECTION("a retry with the same key answers the same and writes nothing more") {
      auto retry = bidding.Call().AcceptBid(Accept(winner->id(), "k1"), Bidding::As(client));
      REQUIRE(retry.ok());
      CHECK(retry->bid().id() == winner->id());
      CHECK(bidding.OutboxCount("BidAccepted", job.id()) == 1);
    }
    SECTION("the same key for another bid is invalid_argument") {
      CHECK(bidding.Call()
                .AcceptBid(Accept(loser->id(), "k1"), Bidding::As(client))
                .status()
                .code() == StatusCode::kInvalidArgument);
    }
    SECTION("a second accept under a new key is refused") {
      auto second = bidding.Call().AcceptBid(Accept(loser->id(), "k2"), Bidding::As(client));
      CHECK(second.status().code() == StatusCode::kFailedPrecondition);
      CHECK(ReasonOf(second.status()) == "JOB_ALREADY_FILLED");
    }
    SECTION("the filled job takes no more bids") {
      auto late = bidding.Place(Freelancer(), job.id(), FixedTerms(100000));
      CHECK(ReasonOf(late.status()) == "JOB_NOT_OPEN");
    }
  }
  SECTION("a withdrawn bid cannot be accepted") {
    v1::WithdrawBidRequest withdraw;
    withdraw.set_bid_id(winner->id());
    REQUIRE(bidding.Call().WithdrawBid(withdraw, Bidding::As(chosen)).ok());
    auto accepted = bidding.Call().AcceptBid(Accept(winner->id(), "k1"), Bidding::As(client));
    CHECK(accepted.status().code() == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(accepted.status()) == "BID_NOT_ACTIVE");
    CHECK(bidding.OutboxCount("BidAccepted", job.id()) == 0);
  }
}

TEST_CASE("racing accepts, withdrawals and retries end with one accepted bid and one event",
          "[bidding][integration][race]") {
  Bidding bidding({{"MARKET_WORKER_THREADS", "16"}, {"MARKET_PG_POOL_SIZE", "16"}});
  constexpr int kRounds = 15;
  constexpr int kBids = 6;
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    const Account client = Client();
    const lv1::Job job = bidding.PostJob(OpenJob(client));
    std::vector<Account> freelancers;
    std::vector<std::string> bid_ids;
    for (int i = 0; i < kBids; ++i) {
      freelancers.push_back(Freelancer());
      auto bid = bidding.Place(freelancers.back(), job.id(), FixedTerms(100000 + i));
      REQUIRE(bid.ok());
      bid_ids.push_back(bid->id());
    }
    std::mutex mutex;
    std::set<std::string> accepted_ids;
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    // An accept for every bid, each one sent twice with its key (a retry), and a withdrawal of
    // every other bid, all at once.
    for (int i = 0; i < kBids; ++i) {
      for (int copy = 0; copy < 2; ++copy) {
        threads.emplace_back([&, i] {
          while (!go) std::this_thread::yield();
          auto response = bidding.Call().AcceptBid(
              Accept(bid_ids[i], "round-" + std::to_string(round) + "-" + std::to_string(i)),
              Bidding::As(client));
          if (response.ok()) {
            std::lock_guard lock(mutex);
            accepted_ids.insert(response->bid().id());
          } else {
            CHECK(response.status().code() == StatusCode::kFailedPrecondition);
          }
        });
      }
      if (i % 2 == 1) {
        threads.emplace_back([&, i] {
          while (!go) std::this_thread::yield();
          v1::WithdrawBidRequest withdraw;
          withdraw.set_bid_id(bid_ids[i]);
          auto response = bidding.Call().WithdrawBid(withdraw, Bidding::As(freelancers[i]));
          if (!response.ok()) {
            CHECK(response.status().code() == StatusCode::kFailedPrecondition);
          }
        });
      }
    }
    go = true;
    for (auto& thread : threads) thread.join();
    CHECK(accepted_ids.size() == 1);
    CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE status = 'accepted' AND job_id = '" +
                         job.id() + "'") == 1);
    CHECK(bidding.OutboxCount("BidAccepted", job.id()) == 1);
    CHECK(bidding.Scalar("SELECT count(*) FROM bids WHERE status = 'active' AND job_id = '" +
                         job.id() + "'") == 0);
  }
}

}  // namespace market::bidding::itest
