// Reputation's ScoreUpdated events feeding the scores ListJobBids sorts by, through the real
// consumer: the newest version wins, a redelivered or older event changes nothing, and events
// published while bidding was stopped are applied once it runs again.
#include "bidding_itest_support.hpp"

namespace market::bidding::itest {
namespace {

reputation::v1::ScoreUpdated Score(const Account& freelancer, double rating, int reviews,
                                   std::int64_t version) {
  reputation::v1::ScoreUpdated updated;
  updated.set_user_id(freelancer.id);
  updated.set_rating(rating);
  updated.set_review_count(reviews);
  updated.set_version(version);
  return updated;
}

std::vector<std::string> ByReputation(Bidding& bidding, const Account& client,
                                      const std::string& job_id) {
  v1::ListJobBidsRequest request;
  request.set_job_id(job_id);
  request.set_sort(v1::BID_SORT_REPUTATION);
  auto response = bidding.Call().ListJobBids(request, Bidding::As(client));
  REQUIRE(response.ok());
  std::vector<std::string> freelancers;
  for (const auto& bid : response->bids()) freelancers.push_back(bid.freelancer_id());
  return freelancers;
}

std::string StoredScore(Bidding& bidding, const Account& freelancer) {
  pqxx::connection connection(bidding.Dsn());
  pqxx::work tx(connection);
  tx.exec("SET search_path TO " + tx.quote_name(bidding.Schema()));
  return tx
      .exec1("SELECT score::text FROM freelancer_reputation WHERE freelancer_id = '" +
             freelancer.id + "'")[0]
      .as<std::string>();
}

}  // namespace

TEST_CASE("bids sort by the newest score reputation published for each freelancer",
          "[bidding][reputation]") {
  Bidding bidding;
  const Account client = Client();
  const lv1::Job job = bidding.PostJob(OpenJob(client));
  const Account steady = Freelancer("IN");
  const Account rising = Freelancer("BR");
  const Account newcomer = Freelancer("CA");
  const Account unknown = Freelancer("CA");
  for (const Account* freelancer : {&steady, &rising, &newcomer, &unknown}) {
    REQUIRE(bidding.Place(*freelancer, job.id(), FixedTerms(200000)).ok());
  }
  bidding.PublishScore(steady, 4.4, 20, 7);
  bidding.PublishScore(rising, 4.1, 2, 2);
  // No visible review yet: the rating is the platform's prior, not earned; stored as 0.
  bidding.PublishScore(newcomer, 4.5, 0, 1);
  CHECK(ByReputation(bidding, client, job.id()) ==
        std::vector<std::string>{steady.id, rising.id, newcomer.id, unknown.id});

  SECTION("a newer score reorders; a redelivered or older one changes nothing") {
    bidding.PublishScore(rising, 4.95, 6, 3);
    const std::string event_id = "reputation:" + NewId();
    bidding.PublishRaw(bidding.reputation_stream(), event_id, Score(steady, 4.6, 21, 8));
    bidding.PublishRaw(bidding.reputation_stream(), event_id, Score(steady, 4.6, 21, 8));
    REQUIRE(Eventually([&] { return bidding.Applied(event_id); }));
    bidding.PublishScore(rising, 1.0, 9, 2);  // late: version 2 after 3
    CHECK(ByReputation(bidding, client, job.id()) ==
          std::vector<std::string>{rising.id, steady.id, newcomer.id, unknown.id});
    CHECK(StoredScore(bidding, rising) == "4.95");
    CHECK(StoredScore(bidding, steady) == "4.60");
    CHECK(bidding.Scalar("SELECT count(*) FROM processed_events WHERE event_id = '" + event_id +
                         "'") == 1);
  }
  SECTION("scores published while bidding is stopped are applied when it runs again") {
    bidding.Stop();
    const std::string event_id = "reputation:" + NewId();
    bidding.PublishRaw(bidding.reputation_stream(), event_id, Score(unknown, 5.0, 30, 4));
    bidding.Restart();
    REQUIRE(Eventually([&] { return bidding.Applied(event_id); }));
    CHECK(ByReputation(bidding, client, job.id()).front() == unknown.id);
  }
}

}  // namespace market::bidding::itest
