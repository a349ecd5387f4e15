// Every cross-service effect of the marketplace, through the services' real outboxes, relays,
// streams and consumers (issue 13, item 1): an accepted bid becomes one contract in escrow and
// fills the job in listings; a bought offer becomes one contract; a finished contract opens
// reviews in reputation; a changed score reaches listings' search and profile and bidding's
// sort; a cancelled job expires its bids and returns their credits. Redelivered events change
// nothing, and events published while their consumer's service is stopped are applied once it
// runs again.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/marketplace.hpp"

namespace market::itest {
namespace {

namespace lv1 = listings::v1;
namespace bv1 = bidding::v1;
namespace ev1 = escrow::v1;
namespace rv1 = reputation::v1;
using M = Marketplace;

common::v1::Money Eur(std::int64_t cents) {
  common::v1::Money money;
  money.set_currency("EUR");
  money.set_minor_units(cents);
  return money;
}

Account Client() { return {.role = auth::Role::kClient, .country = "DE"}; }
Account Freelancer(std::string country) {
  return {.role = auth::Role::kFreelancer, .country = std::move(country)};
}

void CreateProfile(M& market, const Account& freelancer, const std::string& headline) {
  lv1::UpsertMyProfileRequest request;
  request.set_headline(headline);
  request.add_skills("go");
  request.set_timezone("Europe/Lisbon");
  *request.mutable_hourly_rate() = Eur(6000);
  request.set_weekly_availability_hours(30);
  const auto written = market.Listings().UpsertMyProfile(request, M::As(freelancer));
  INFO(written.status().ToString());
  REQUIRE(written.ok());
}

lv1::Job PostJob(M& market, const Account& client, const std::string& title) {
  lv1::PostJobRequest request;
  lv1::JobFields& job = *request.mutable_job();
  job.set_title(title);
  job.set_description("Match bank statement lines to ledger transfers, nightly.");
  job.add_skills("go");
  *job.mutable_budget()->mutable_fixed_price() = Eur(100000);
  job.set_expected_duration(lv1::JOB_DURATION_ONE_TO_FOUR_WEEKS);
  job.set_visibility(lv1::JOB_VISIBILITY_PUBLIC);
  job.mutable_bid_deadline()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          (std::chrono::system_clock::now() + 24h * 7).time_since_epoch())
          .count());
  const auto posted = market.Listings().PostJob(request, M::As(client));
  INFO(posted.status().ToString());
  REQUIRE(posted.ok());
  return posted->job();
}

// A fixed-price bid of EUR 900.00 in one milestone, placed once bidding has heard of the job.
bv1::Bid Bid(M& market, const Account& freelancer, const lv1::Job& job) {
  bv1::PlaceBidRequest request;
  request.set_job_id(job.id());
  bv1::BidTerms& terms = *request.mutable_terms();
  *terms.mutable_fixed_price() = Eur(90000);
  terms.set_delivery_days(14);
  terms.set_cover_letter("I built three reconciliation engines.");
  bv1::ProposedMilestone& milestone = *terms.add_milestones();
  milestone.set_title("Matching and nightly job");
  *milestone.mutable_amount() = Eur(90000);
  request.set_payout_currency("EUR");
  StatusOr<bv1::PlaceBidResponse> placed = NotFoundError("not tried");
  REQUIRE(Eventually([&] {
    placed = market.Bidding().PlaceBid(request, M::As(freelancer));
    return placed.ok();
  }));
  return placed->bid();
}

void Accept(M& market, const Account& client, const bv1::Bid& bid) {
  bv1::AcceptBidRequest request;
  request.set_bid_id(bid.id());
  request.set_idempotency_key("accept-" + bid.id());
  const auto accepted = market.Bidding().AcceptBid(request, M::As(client));
  INFO(accepted.status().ToString());
  REQUIRE(accepted.ok());
}

// The client's contracts made from `source_id`.
std::vector<ev1::Contract> ContractsFrom(M& market, const Account& client,
                                         const std::string& source_id) {
  ev1::ListMyContractsRequest request;
  request.mutable_page()->set_page_size(100);
  const auto listed = market.Escrow().ListMyContracts(request, M::As(client));
  REQUIRE(listed.ok());
  std::vector<ev1::Contract> found;
  for (const auto& contract : listed->contracts()) {
    if (contract.source_id() == source_id) found.push_back(contract);
  }
  return found;
}

ev1::Contract OneContractFrom(M& market, const Account& client, const std::string& source_id) {
  REQUIRE(Eventually([&] { return !ContractsFrom(market, client, source_id).empty(); }));
  const auto contracts = ContractsFrom(market, client, source_id);
  REQUIRE(contracts.size() == 1);
  return contracts[0];
}

lv1::JobStatus JobStatus(M& market, const Account& client, const std::string& job_id) {
  lv1::GetJobRequest request;
  request.set_job_id(job_id);
  const auto got = market.Listings().GetJob(request, M::As(client));
  REQUIRE(got.ok());
  return got->job().status();
}

// Funds, submits and approves the contract's one milestone: the contract completes.
void Finish(M& market, const Account& client, const Account& freelancer,
            const ev1::Contract& contract) {
  ev1::TopUpWalletRequest top_up;
  top_up.set_idempotency_key("top-up-" + contract.id());
  *top_up.mutable_amount() = contract.milestones(0).amount();
  top_up.set_payment_token("sandbox-ok");
  REQUIRE(market.Escrow().TopUpWallet(top_up, M::As(client)).ok());
  ev1::MilestoneRef ref;
  ref.set_contract_id(contract.id());
  ref.set_milestone_id(contract.milestones(0).id());
  ev1::FundMilestoneRequest fund;
  fund.set_idempotency_key("fund-" + contract.id());
  *fund.mutable_milestone() = ref;
  REQUIRE(market.Escrow().FundMilestone(fund, M::As(client)).ok());
  ev1::SubmitMilestoneRequest submit;
  submit.set_idempotency_key("submit-" + contract.id());
  *submit.mutable_milestone() = ref;
  REQUIRE(market.Escrow().SubmitMilestone(submit, M::As(freelancer)).ok());
  ev1::ApproveMilestoneRequest approve;
  approve.set_idempotency_key("approve-" + contract.id());
  *approve.mutable_milestone() = ref;
  const auto approved = market.Escrow().ApproveMilestone(approve, M::As(client));
  INFO(approved.status().ToString());
  REQUIRE(approved.ok());
}

// Writes `author`'s review of the contract once reputation knows the contract ended.
void Review(M& market, const Account& author, const ev1::Contract& contract) {
  rv1::WriteReviewRequest request;
  request.set_contract_id(contract.id());
  rv1::Ratings& ratings = *request.mutable_ratings();
  ratings.set_overall(5);
  if (author.role == auth::Role::kClient) {
    ratings.set_quality(5);
    ratings.set_communication(5);
    ratings.set_deadlines(4);
  } else {
    ratings.set_communication(5);
    ratings.set_clarity(5);
    ratings.set_payment_promptness(5);
  }
  request.set_comment("Clear, quick and exact.");
  StatusOr<rv1::WriteReviewResponse> written = NotFoundError("not tried");
  REQUIRE(Eventually([&] {
    written = market.Reputation().WriteReview(request, M::As(author));
    return written.ok();
  }));
}

lv1::ReputationSummary Summary(M& market, const Account& reader, const Account& freelancer) {
  lv1::GetProfileRequest request;
  request.set_freelancer_id(freelancer.id);
  const auto got = market.Listings().GetProfile(request, M::As(reader));
  REQUIRE(got.ok());
  return got->reputation();
}

bv1::Bid GetBid(M& market, const Account& freelancer, const std::string& bid_id) {
  bv1::GetBidRequest request;
  request.set_bid_id(bid_id);
  const auto got = market.Bidding().GetBid(request, M::As(freelancer));
  REQUIRE(got.ok());
  return got->bid();
}

std::int64_t Credits(M& market, const Account& freelancer) {
  const auto balance = market.Bidding().GetCreditBalance({}, M::As(freelancer));
  REQUIRE(balance.ok());
  return balance->balance();
}

// Publishes again every entry of `source`'s stream whose envelope is of `type` and carries
// `needle` in its payload, as a relay that died after XADD would.
int Redeliver(M& market, const std::string& source, const std::string& type,
              const std::string& needle) {
  const auto entries =
      market.events().Command({"XREVRANGE", events::StreamName(source), "+", "-", "COUNT", "500"});
  REQUIRE(entries.ok());
  int copies = 0;
  for (const auto& entry : entries->elements) {
    const auto& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].text != "envelope") continue;
      events::v1::EventEnvelope envelope;
      REQUIRE(envelope.ParseFromString(fields[i + 1].text));
      if (envelope.type() != type || envelope.payload().value().find(needle) == std::string::npos) {
        continue;
      }
      REQUIRE(market.events()
                  .Command({"XADD", events::StreamName(source), "*", "event_id",
                            envelope.event_id(), "envelope", fields[i + 1].text})
                  .ok());
      ++copies;
    }
  }
  return copies;
}

}  // namespace

TEST_CASE("accepted bids, bought offers, finished contracts and scores reach every follower",
          "[wiring]") {
  Marketplace market;
  const Account client = Client();
  const Account freelancer = Freelancer("PT");
  const Account rival = Freelancer("BR");
  CreateProfile(market, freelancer, "Go engineer, payments");
  CreateProfile(market, rival, "Go developer, fintech");

  // Bid accepted: one contract in escrow, the job filled in listings, even when the event
  // reaches them twice.
  const lv1::Job job = PostJob(market, client, "Reconcile bank statements with a ledger");
  const bv1::Bid bid = Bid(market, freelancer, job);
  Accept(market, client, bid);
  const ev1::Contract contract = OneContractFrom(market, client, bid.id());
  CHECK(contract.freelancer_id() == freelancer.id);
  CHECK(contract.milestones(0).amount().minor_units() == 90000);
  REQUIRE(
      Eventually([&] { return JobStatus(market, client, job.id()) == lv1::JOB_STATUS_FILLED; }));
  REQUIRE(Redeliver(market, "bidding", "market.bidding.v1.BidAccepted", bid.id()) >= 1);

  // Offer bought: one contract, however often the purchase is retried.
  lv1::CreateOfferRequest create;
  lv1::OfferFields& fields = *create.mutable_offer();
  fields.set_title("A REST API in Go with PostgreSQL");
  fields.set_description("Ten endpoints, tests, migrations and a Dockerfile.");
  *fields.mutable_price() = Eur(30000);
  fields.set_delivery_days(10);
  fields.add_skills("go");
  const auto offer = market.Listings().CreateOffer(create, M::As(freelancer));
  REQUIRE(offer.ok());
  lv1::BuyOfferRequest buy;
  buy.set_offer_id(offer->offer().id());
  *buy.mutable_expected_price() = Eur(30000);
  buy.set_idempotency_key("buy-" + offer->offer().id());
  const auto bought = market.Listings().BuyOffer(buy, M::As(client));
  REQUIRE(bought.ok());
  REQUIRE(market.Listings().BuyOffer(buy, M::As(client)).ok());
  const ev1::Contract from_offer =
      OneContractFrom(market, client, bought->purchase().purchase_id());
  CHECK(from_offer.source() == ev1::CONTRACT_SOURCE_BOUGHT_OFFER);
  CHECK(from_offer.milestones(0).amount().minor_units() == 30000);

  // Contract completed: reviews become possible in reputation; both reviews make a score,
  // which listings shows and ranks by and bidding sorts by.
  Finish(market, client, freelancer, contract);
  Review(market, client, contract);
  Review(market, freelancer, contract);
  const Account reader = Client();
  REQUIRE(Eventually([&] { return Summary(market, reader, freelancer).review_count() == 1; }));
  CHECK(Summary(market, reader, freelancer).score() != "0.00");
  CHECK(Summary(market, reader, rival).score() == "0.00");
  lv1::SearchFreelancersRequest search;
  search.add_skills("go");
  search.set_sort(lv1::SEARCH_SORT_REPUTATION);
  const auto found = market.Listings().SearchFreelancers(search, M::As(reader));
  REQUIRE(found.ok());
  REQUIRE(found->freelancers_size() == 2);
  CHECK(found->freelancers(0).profile().freelancer_id() == freelancer.id);
  CHECK(found->freelancers(0).reputation().review_count() == 1);

  const lv1::Job next = PostJob(market, client, "Nightly settlement report");
  Bid(market, freelancer, next);
  Bid(market, rival, next);  // newer, so first when reputation did not count
  REQUIRE(Eventually([&] {
    return market.Scalar(M::kBidding,
                         "SELECT count(*) FROM freelancer_reputation WHERE score > 0 AND "
                         "freelancer_id = '" +
                             freelancer.id + "'") == 1;
  }));
  bv1::ListJobBidsRequest list;
  list.set_job_id(next.id());
  list.set_sort(bv1::BID_SORT_REPUTATION);
  const auto ranked = market.Bidding().ListJobBids(list, M::As(client));
  REQUIRE(ranked.ok());
  REQUIRE(ranked->bids_size() == 2);
  CHECK(ranked->bids(0).freelancer_id() == freelancer.id);

  // The redelivered BidAccepted made nothing more, and the repeated purchase nothing either.
  CHECK(ContractsFrom(market, client, bid.id()).size() == 1);
  CHECK(ContractsFrom(market, client, bought->purchase().purchase_id()).size() == 1);
}

TEST_CASE("a cancelled job expires its bids and returns their credits", "[wiring]") {
  Marketplace market;
  const Account client = Client();
  const Account freelancer = Freelancer("IN");
  const lv1::Job job = PostJob(market, client, "Migrate a MySQL database to PostgreSQL");
  const std::int64_t before = Credits(market, freelancer);
  const bv1::Bid bid = Bid(market, freelancer, job);
  REQUIRE(bid.credits_spent() > 0);
  CHECK(Credits(market, freelancer) == before - bid.credits_spent());

  lv1::CancelJobRequest cancel;
  cancel.set_job_id(job.id());
  REQUIRE(market.Listings().CancelJob(cancel, M::As(client)).ok());
  REQUIRE(Eventually(
      [&] { return GetBid(market, freelancer, bid.id()).status() == bv1::BID_STATUS_EXPIRED; }));
  CHECK(Credits(market, freelancer) == before);
}

TEST_CASE("events published while their consumer is stopped are applied once it runs again",
          "[wiring][restart]") {
  Marketplace market;
  const Account client = Client();
  const Account freelancer = Freelancer("CA");
  CreateProfile(market, freelancer, "Go engineer, logistics");
  const lv1::Job hired = PostJob(market, client, "Build a webhook service with retries");
  const lv1::Job dropped = PostJob(market, client, "Speed up slow order queries");
  const bv1::Bid accepted = Bid(market, freelancer, hired);
  const bv1::Bid expired = Bid(market, freelancer, dropped);

  // BidAccepted waits for escrow and listings.
  market.Stop(M::kEscrow);
  market.Stop(M::kListings);
  Accept(market, client, accepted);
  market.Start(M::kEscrow);
  market.Start(M::kListings);
  const ev1::Contract contract = OneContractFrom(market, client, accepted.id());
  REQUIRE(
      Eventually([&] { return JobStatus(market, client, hired.id()) == lv1::JOB_STATUS_FILLED; }));

  // JobCancelled waits for bidding.
  const std::int64_t credits = Credits(market, freelancer);
  market.Stop(M::kBidding);
  lv1::CancelJobRequest cancel;
  cancel.set_job_id(dropped.id());
  REQUIRE(market.Listings().CancelJob(cancel, M::As(client)).ok());
  market.Start(M::kBidding);
  REQUIRE(Eventually([&] {
    return GetBid(market, freelancer, expired.id()).status() == bv1::BID_STATUS_EXPIRED;
  }));
  CHECK(Credits(market, freelancer) == credits + expired.credits_spent());

  // ContractCompleted waits for reputation.
  market.Stop(M::kReputation);
  Finish(market, client, freelancer, contract);
  market.Start(M::kReputation);
  Review(market, client, contract);

  // ScoreUpdated waits for listings and bidding: the one the second review makes is published
  // while both are stopped.
  const std::string published_scores =
      "SELECT count(*) FROM outbox WHERE event_type = 'market.reputation.v1.ScoreUpdated' AND "
      "published_at IS NOT NULL AND aggregate_id = '" +
      freelancer.id + "'";
  // The contract's end changed the score already (a first ScoreUpdated); let it go out first.
  REQUIRE(Eventually([&] { return market.Scalar(M::kReputation, published_scores) >= 1; }));
  std::this_thread::sleep_for(500ms);
  const long long scores_before = market.Scalar(M::kReputation, published_scores);
  market.Stop(M::kListings);
  market.Stop(M::kBidding);
  Review(market, freelancer, contract);
  REQUIRE(
      Eventually([&] { return market.Scalar(M::kReputation, published_scores) > scores_before; }));
  market.Start(M::kListings);
  market.Start(M::kBidding);
  REQUIRE(Eventually([&] { return Summary(market, Client(), freelancer).review_count() == 1; }));
  REQUIRE(Eventually([&] {
    return market.Scalar(M::kBidding,
                         "SELECT count(*) FROM freelancer_reputation WHERE score > 0 AND "
                         "freelancer_id = '" +
                             freelancer.id + "'") == 1;
  }));
  CHECK(ContractsFrom(market, client, accepted.id()).size() == 1);
}

}  // namespace market::itest
