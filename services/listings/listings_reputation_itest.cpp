// Reputation's ScoreUpdated events feeding listings' reputation summary through the real
// consumer: search shows and sorts by it, GetProfile shows it (cached copies included), a
// redelivered or older event changes nothing, and events published while listings was stopped
// are applied once it runs again.
#include "listings_service.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "listings_itest_support.hpp"
#include "market/reputation/v1/reputation.pb.h"

namespace market::listings::itest {
namespace {

reputation::v1::ScoreUpdated Score(const Account& user, double rating, int reviews,
                                   std::int64_t version) {
  reputation::v1::ScoreUpdated updated;
  updated.set_user_id(user.id);
  updated.set_rating(rating);
  updated.set_review_count(reviews);
  updated.set_job_success_percent(92);
  updated.set_job_success_shown(true);
  if (rating >= 4.5) updated.add_badges("top_rated");
  updated.set_version(version);
  return updated;
}

void Profile(Listings& listings, const Account& freelancer, const std::string& headline) {
  v1::UpsertMyProfileRequest request;
  request.set_headline(headline);
  request.add_skills("kotlin");
  request.set_timezone("America/Sao_Paulo");
  *request.mutable_hourly_rate() = Amount("BRL", 15000);
  request.set_weekly_availability_hours(40);
  REQUIRE(listings.Call().UpsertMyProfile(request, Listings::As(freelancer)).ok());
}

bool Applied(Listings& listings, const std::string& event_id) {
  return listings.Scalar("SELECT count(*) FROM processed_events WHERE event_id = '" + event_id +
                         "'") == 1;
}

void PublishAndWait(Listings& listings, const std::string& event_id,
                    const reputation::v1::ScoreUpdated& updated) {
  listings.Publish(listings.reputation_stream(), event_id, updated);
  REQUIRE(Eventually([&] { return Applied(listings, event_id); }));
}

v1::ReputationSummary Summary(Listings& listings, const Account& caller,
                              const Account& freelancer) {
  v1::GetProfileRequest request;
  request.set_freelancer_id(freelancer.id);
  auto response = listings.Call().GetProfile(request, Listings::As(caller));
  REQUIRE(response.ok());
  return response->reputation();
}

std::vector<std::string> ByReputation(Listings& listings, const Account& caller) {
  v1::SearchFreelancersRequest request;
  request.add_skills("kotlin");
  request.set_sort(v1::SEARCH_SORT_REPUTATION);
  auto found = listings.Call().SearchFreelancers(request, Listings::As(caller));
  REQUIRE(found.ok());
  std::vector<std::string> ids;
  for (const auto& result : found->freelancers()) ids.push_back(result.profile().freelancer_id());
  return ids;
}

}  // namespace

TEST_CASE("score events set the summary that search ranks by and the profile shows",
          "[listings][reputation]") {
  Listings listings;
  const Account first = Freelancer("BR");
  const Account second = Freelancer("BR");
  const Account newcomer = Freelancer("BR");
  Profile(listings, first, "Android engineer");
  Profile(listings, second, "Kotlin backend engineer");
  Profile(listings, newcomer, "Kotlin multiplatform developer");
  const Account client = Client();
  // The client reads the profile once, so a cached copy exists before the event.
  CHECK(Summary(listings, client, second).score() == "0.00");

  PublishAndWait(listings, "reputation:1", Score(first, 4.2, 3, 1));
  PublishAndWait(listings, "reputation:2", Score(second, 4.6666, 7, 4));

  const v1::ReputationSummary shown = Summary(listings, client, second);
  CHECK(shown.score() == "4.67");
  CHECK(shown.review_count() == 7);
  CHECK(shown.job_success_percent() == 92);
  REQUIRE(shown.badges_size() == 1);
  CHECK(shown.badges(0) == "top_rated");
  // The owner reads Postgres; the same summary.
  CHECK(Summary(listings, second, second).score() == "4.67");
  // Best score first; the freelancer reputation never scored comes last.
  CHECK(ByReputation(listings, client) ==
        std::vector<std::string>{second.id, first.id, newcomer.id});

  v1::SearchFreelancersRequest request;
  request.set_query("kotlin backend");
  auto found = listings.Call().SearchFreelancers(request, Listings::As(client));
  REQUIRE(found.ok());
  REQUIRE(found->freelancers_size() == 1);
  CHECK(found->freelancers(0).reputation().score() == "4.67");
  CHECK(found->freelancers(0).reputation().review_count() == 7);

  SECTION("a user without a visible review stays unrated, whatever the prior rating") {
    PublishAndWait(listings, "reputation:3", Score(newcomer, 4.5, 0, 1));
    const v1::ReputationSummary unrated = Summary(listings, client, newcomer);
    CHECK(unrated.score() == "0.00");
    CHECK(unrated.review_count() == 0);
  }
  SECTION("a redelivered event and an older version change nothing") {
    PublishAndWait(listings, "reputation:4", Score(second, 4.0, 8, 5));
    listings.Publish(listings.reputation_stream(), "reputation:4", Score(second, 4.0, 8, 5));
    PublishAndWait(listings, "reputation:5", Score(second, 3.0, 6, 3));  // late, older
    PublishAndWait(listings, "reputation:6", Score(first, 2.0, 3, 1));   // same version again
    CHECK(Summary(listings, client, second).score() == "4.00");
    CHECK(Summary(listings, client, second).review_count() == 8);
    CHECK(Summary(listings, client, first).score() == "4.20");
    CHECK(listings.Scalar("SELECT count(*) FROM processed_events WHERE event_id = "
                          "'reputation:4'") == 1);
  }
  SECTION("an event that breaks the contract is refused, and the summary stays") {
    reputation::v1::ScoreUpdated broken = Score(first, 7.5, 3, 9);
    listings.Publish(listings.reputation_stream(), "reputation:7", broken);
    PublishAndWait(listings, "reputation:8", Score(newcomer, 3.5, 1, 1));
    CHECK(Summary(listings, client, first).score() == "4.20");
    CHECK_FALSE(Applied(listings, "reputation:7"));
  }
}

TEST_CASE("score events published while listings is stopped are applied when it runs again",
          "[listings][reputation]") {
  Listings listings;
  const Account freelancer = Freelancer("IN");
  Profile(listings, freelancer, "Kotlin and Spring developer");
  // The consumer group exists from the first start on.
  PublishAndWait(listings, "reputation:1", Score(freelancer, 4.1, 2, 1));
  listings.Stop();
  listings.Publish(listings.reputation_stream(), "reputation:2", Score(freelancer, 4.8, 5, 2));
  listings.Restart();
  REQUIRE(Eventually([&] { return Applied(listings, "reputation:2"); }));
  CHECK(Summary(listings, Client(), freelancer).score() == "4.80");
}

}  // namespace market::listings::itest
