// SearchJobs through the real listings service: relevance on a crafted corpus, each filter, the
// budget filter in another currency at the rates escrow's events bring, invite-only jobs hidden
// from strangers, and keyset pages that neither repeat nor skip while jobs are being posted.
#include "listings_service.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "listings_itest_support.hpp"
#include "market/connect/error_details.hpp"
#include "market/escrow/v1/escrow.pb.h"

namespace market::listings::itest {
namespace {

std::vector<std::string> Ids(const v1::SearchJobsResponse& response) {
  std::vector<std::string> ids;
  for (const auto& job : response.jobs()) ids.push_back(job.id());
  return ids;
}

StatusOr<v1::SearchJobsResponse> Search(Listings& listings, const Account& caller,
                                        const v1::SearchJobsRequest& request) {
  return listings.Call().SearchJobs(request, Listings::As(caller));
}

std::vector<std::string> Found(Listings& listings, const Account& caller,
                               const v1::SearchJobsRequest& request) {
  auto response = Search(listings, caller, request);
  REQUIRE(response.ok());
  return Ids(*response);
}

escrow::v1::FxRate Rate(std::string base, std::string quote, std::string rate,
                        std::int64_t quoted_at_seconds) {
  escrow::v1::FxRate fx;
  fx.set_base_currency(std::move(base));
  fx.set_quote_currency(std::move(quote));
  fx.set_rate(std::move(rate));
  fx.mutable_quoted_at()->set_seconds(quoted_at_seconds);
  return fx;
}

v1::SearchJobsRequest BudgetBetween(std::string currency, std::int64_t min, std::int64_t max) {
  v1::SearchJobsRequest request;
  *request.mutable_budget()->mutable_min() = Amount(currency, min);
  *request.mutable_budget()->mutable_max() = Amount(currency, max);
  return request;
}

TEST_CASE("a budget filter in any currency compares exactly at the current rates",
          "[listings][search][fx]") {
  Listings listings;
  const Account client = Client();
  const Account freelancer = Freelancer();
  // EUR 1,000.00 fixed; and an hourly range of JPY 3,000 to 5,000.
  const std::string eur_job =
      listings.Post(client, FixedJob("Ledger", Amount("EUR", 100000)))->id();
  v1::JobFields hourly = FixedJob("Hourly ledger work");
  auto* range = hourly.mutable_budget()->mutable_hourly_rate();
  *range->mutable_min() = Amount("JPY", 3000);
  *range->mutable_max() = Amount("JPY", 5000);
  const std::string jpy_job = listings.Post(client, hourly)->id();

  // Before any rate arrives, only the job's own currency can match.
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 0, 100000000)).empty());
  CHECK(Found(listings, freelancer, BudgetBetween("EUR", 100000, 100000)) ==
        std::vector<std::string>{eur_job});

  escrow::v1::FxRatesUpdated update;
  *update.add_rates() = Rate("EUR", "USD", "1.0842", 1'800'000'000);
  *update.add_rates() = Rate("USD", "JPY", "151.37", 1'800'000'000);
  listings.Publish(listings.escrow_stream(), "escrow:1", update);
  REQUIRE(Eventually([&] { return listings.Scalar("SELECT count(*) FROM fx_rates") == 2; }));

  // EUR 1,000.00 is USD 1,084.20 exactly: in at the boundary, out one cent above it.
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 100000, 110000)) ==
        std::vector<std::string>{eur_job});
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 108420, 108420)) ==
        std::vector<std::string>{eur_job});
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 108421, 200000)).empty());
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 50000, 108419)).empty());
  // Through USD into JPY: 1,084.20 USD = 164,115.354 JPY.
  CHECK(Found(listings, freelancer, BudgetBetween("JPY", 164115, 170000)) ==
        std::vector<std::string>{eur_job});
  CHECK(Found(listings, freelancer, BudgetBetween("JPY", 164116, 170000)).empty());
  // JPY 3,000..5,000 an hour is USD 19.82..33.03 (rounded): a USD 30.00-40.00 range meets it.
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 3000, 4000)) ==
        std::vector<std::string>{jpy_job});
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 3304, 4000)).empty());

  // An older quote for a pair changes nothing; a newer one replaces it.
  escrow::v1::FxRatesUpdated stale;
  *stale.add_rates() = Rate("EUR", "USD", "2", 1'700'000'000);
  listings.Publish(listings.escrow_stream(), "escrow:2", stale);
  escrow::v1::FxRatesUpdated fresh;
  *fresh.add_rates() = Rate("EUR", "USD", "1.1", 1'800'000'100);
  listings.Publish(listings.escrow_stream(), "escrow:3", fresh);
  REQUIRE(Eventually([&] {
    return listings.Scalar("SELECT count(*) FROM processed_events WHERE event_id = 'escrow:3'") ==
           1;
  }));
  CHECK(listings.Scalar("SELECT (rate * 10)::bigint FROM fx_rates WHERE base_currency = 'EUR'") ==
        11);
  CHECK(Found(listings, freelancer, BudgetBetween("USD", 110000, 110000)) ==
        std::vector<std::string>{eur_job});
}

TEST_CASE("relevance ranks title over skills over description", "[listings][search]") {
  Listings listings;
  const Account client = Client();
  v1::JobFields in_description = FixedJob("Marketing website refresh");
  in_description.set_description("Static site; later we may host it on kubernetes.");
  v1::JobFields in_skills = FixedJob("Cloud migration for a logistics firm");
  in_skills.add_skills("kubernetes");
  v1::JobFields in_title = FixedJob("Kubernetes operator for database failover");
  v1::JobFields unrelated = FixedJob("Bookkeeping for a bakery");
  const std::string description_id = listings.Post(client, in_description)->id();
  const std::string skills_id = listings.Post(client, in_skills)->id();
  const std::string title_id = listings.Post(client, in_title)->id();
  REQUIRE(listings.Post(client, unrelated).ok());

  v1::SearchJobsRequest request;
  request.set_query("kubernetes");
  CHECK(Found(listings, client, request) ==
        std::vector<std::string>{title_id, skills_id, description_id});
  // Stemming: "operators" finds "operator".
  request.set_query("operators failover");
  CHECK(Found(listings, client, request) == std::vector<std::string>{title_id});
  request.set_query("kubernetes -website");
  CHECK(Found(listings, client, request) == std::vector<std::string>{title_id, skills_id});
}

TEST_CASE("each search filter narrows the results", "[listings][search]") {
  Listings listings;
  const Account client = Client();
  const Account freelancer = Freelancer();

  v1::JobFields rust = FixedJob("Embedded firmware");
  rust.clear_skills();
  rust.add_skills("rust");
  rust.add_skills("embedded");
  rust.add_allowed_countries("PL");
  rust.add_allowed_languages("pl");
  const std::string rust_id = listings.Post(client, rust)->id();
  v1::JobFields go = FixedJob("Payment gateway");
  go.add_allowed_countries("DE");
  go.add_allowed_languages("de");
  const std::string go_id = listings.Post(client, go)->id();
  const std::string anyone_id = listings.Post(client, FixedJob("Open to all"))->id();
  const std::string closed_id = listings.Post(client, FixedJob("Closed one"))->id();
  v1::CloseJobRequest close;
  close.set_job_id(closed_id);
  REQUIRE(listings.Call().CloseJob(close, Listings::As(client)).ok());

  v1::SearchJobsRequest skills;
  skills.add_skills("Rust");
  skills.add_skills("embedded");
  CHECK(Found(listings, freelancer, skills) == std::vector<std::string>{rust_id});

  v1::SearchJobsRequest country;
  country.set_country("PL");
  CHECK(Found(listings, freelancer, country) == std::vector<std::string>{anyone_id, rust_id});

  v1::SearchJobsRequest language;
  language.set_language("de");
  CHECK(Found(listings, freelancer, language) == std::vector<std::string>{anyone_id, go_id});

  v1::SearchJobsRequest statuses;
  CHECK(Found(listings, freelancer, statuses) ==
        std::vector<std::string>{anyone_id, go_id, rust_id});
  statuses.add_statuses(v1::JOB_STATUS_CLOSED);
  CHECK(Found(listings, freelancer, statuses) == std::vector<std::string>{closed_id});

  v1::SearchJobsRequest cheapest_first;
  cheapest_first.set_sort(v1::SEARCH_SORT_AMOUNT_LOW_FIRST);
  // Only USD is convertible without rates: all three are EUR, so they keep seq order.
  CHECK(Found(listings, freelancer, cheapest_first).size() == 3);

  SECTION("bad filters name every bad field") {
    v1::SearchJobsRequest bad;
    bad.set_query(std::string(201, 'a'));
    bad.set_country("Germany");
    bad.set_language("german");
    *bad.mutable_budget()->mutable_min() = Amount("USD", 500);
    *bad.mutable_budget()->mutable_max() = Amount("EUR", 900);
    bad.set_sort(v1::SEARCH_SORT_REPUTATION);
    bad.mutable_page()->set_page_size(51);
    const auto refused = Search(listings, freelancer, bad);
    REQUIRE(CodeOf(refused) == StatusCode::kInvalidArgument);
    std::vector<std::string> fields;
    for (const auto& violation : connect::FieldViolationsOf(refused.status())) {
      fields.push_back(violation.field);
    }
    CHECK(fields == std::vector<std::string>{"query", "country", "language", "budget.max.currency",
                                             "sort", "page.page_size"});
  }
}

TEST_CASE("search never shows an invite-only job to anyone not invited",
          "[listings][search][visibility]") {
  Listings listings;
  const Account owner = Client();
  const Account invited = Freelancer();
  const Account outsider = Freelancer();
  listings.CreateProfile(invited);
  v1::JobFields secret = FixedJob("Secret kubernetes migration");
  secret.set_visibility(v1::JOB_VISIBILITY_INVITE_ONLY);
  const std::string secret_id = listings.Post(owner, secret)->id();
  const std::string public_id = listings.Post(owner, FixedJob("Public kubernetes work"))->id();
  v1::InviteToJobRequest invite;
  invite.set_job_id(secret_id);
  invite.add_freelancer_ids(invited.id);
  REQUIRE(listings.Call().InviteToJob(invite, Listings::As(owner)).ok());

  v1::SearchJobsRequest request;
  request.set_query("kubernetes");
  CHECK(Found(listings, outsider, request) == std::vector<std::string>{public_id});
  CHECK(Found(listings, Client(), request) == std::vector<std::string>{public_id});
  const auto for_invited = Found(listings, invited, request);
  CHECK(std::set<std::string>(for_invited.begin(), for_invited.end()) ==
        std::set<std::string>{secret_id, public_id});
  CHECK(Found(listings, owner, request).size() == 2);
  CHECK(Found(listings, Operator(), request).size() == 2);
}

TEST_CASE("paging while jobs are posted neither repeats nor skips a job", "[listings][search]") {
  Listings listings;
  const Account client = Client();
  constexpr int kBefore = 30;
  std::set<std::string> existing;
  for (int i = 0; i < kBefore; ++i) {
    existing.insert(
        listings.Post(client, FixedJob("Warehouse robotics " + std::to_string(i)))->id());
  }

  for (const auto sort :
       {v1::SEARCH_SORT_NEWEST, v1::SEARCH_SORT_RELEVANCE, v1::SEARCH_SORT_AMOUNT_HIGH_FIRST}) {
    INFO("sort " << v1::SearchSort_Name(sort));
    std::atomic<bool> stop{false};
    std::thread poster([&] {
      int n = 0;
      while (!stop) {
        // Same words and price as the others, so new jobs land on every side of the cursor.
        (void)listings.Post(client, FixedJob("Warehouse robotics late " + std::to_string(n++)));
      }
    });
    std::vector<std::string> seen;
    v1::SearchJobsRequest request;
    request.set_query("warehouse robotics");
    request.set_sort(sort);
    request.mutable_page()->set_page_size(7);
    do {
      auto page = Search(listings, client, request);
      REQUIRE(page.ok());
      for (const auto& job : page->jobs()) seen.push_back(job.id());
      request.mutable_page()->set_page_token(page->page().next_page_token());
      std::this_thread::sleep_for(20ms);
    } while (!request.page().page_token().empty());
    stop = true;
    poster.join();

    const std::set<std::string> distinct(seen.begin(), seen.end());
    CHECK(distinct.size() == seen.size());
    for (const auto& id : existing) CHECK(distinct.count(id) == 1);
  }
}

TEST_CASE("a search beyond the gate's places is refused at once, and other calls go on",
          "[listings][search]") {
  Listings listings(
      {{"MARKET_LISTINGS_MAX_SEARCHES", "1"}, {"MARKET_LISTINGS_SEARCH_WAIT_MS", "100"}});
  const Account client = Client();
  const auto job = listings.Post(client, FixedJob("Warehouse robotics"));
  REQUIRE(job.ok());
  v1::SearchJobsRequest request;
  request.set_query("warehouse robotics");

  // A session outside the service locks the jobs table: the first search waits in the database
  // and holds the only place meanwhile.
  const testing::TestDatabase& database = listings.started().database();
  pqxx::connection locker(database.dsn);
  pqxx::work lock(locker);
  lock.exec("SET search_path TO " + lock.quote_name(database.schema));
  lock.exec("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
  StatusOr<v1::SearchJobsResponse> first = InternalError("not run");
  std::thread waiting([&] { first = Search(listings, client, request); });
  REQUIRE(Eventually([&] {
    return listings.Scalar(
               "SELECT count(*) FROM pg_stat_activity WHERE usename = current_user "
               "AND wait_event_type = 'Lock'") == 1;
  }));

  const auto refused = Search(listings, client, request);
  CHECK(refused.status().code() == StatusCode::kResourceExhausted);
  CHECK(connect::RetryDelayOf(refused.status()).has_value());
  // Reads that are not searches still answer (this one from the cache).
  CHECK(listings.Get(Freelancer(), job->id()).ok());

  lock.commit();
  waiting.join();
  CHECK(first.ok());
  CHECK(Search(listings, client, request).ok());
}

void Profile(Listings& listings, const Account& freelancer, const std::string& headline,
             const std::string& skill, common::v1::Money rate) {
  v1::UpsertMyProfileRequest request;
  request.set_headline(headline);
  request.add_skills(skill);
  request.add_languages("en");
  request.set_timezone("Europe/Lisbon");
  *request.mutable_hourly_rate() = std::move(rate);
  request.set_weekly_availability_hours(20);
  REQUIRE(listings.Call().UpsertMyProfile(request, Listings::As(freelancer)).ok());
}

void PublishEurUsd(Listings& listings) {
  escrow::v1::FxRatesUpdated update;
  *update.add_rates() = Rate("EUR", "USD", "1.0842", 1'800'000'000);
  listings.Publish(listings.escrow_stream(), "escrow:1", update);
  REQUIRE(Eventually([&] { return listings.Scalar("SELECT count(*) FROM fx_rates") == 1; }));
}

TEST_CASE("freelancer results carry a reputation summary and can rank by it",
          "[listings][search][freelancers]") {
  Listings listings;
  const Account newcomer = Freelancer("PT");
  const Account rated = Freelancer("BR");
  const Account designer = Freelancer("PT");
  Profile(listings, rated, "Rust systems engineer", "rust", Amount("USD", 9000));
  Profile(listings, newcomer, "Rust and embedded firmware", "rust", Amount("EUR", 8000));
  Profile(listings, designer, "Brand designer", "figma", Amount("EUR", 5000));
  listings.Execute("INSERT INTO freelancer_reputation VALUES ('" + rated.id +
                   "', 4.85, 96, '{top_rated}')");
  const Account client = Client();

  v1::SearchFreelancersRequest request;
  request.set_query("rust");
  request.set_sort(v1::SEARCH_SORT_REPUTATION);
  auto found = listings.Call().SearchFreelancers(request, Listings::As(client));
  REQUIRE(found.ok());
  REQUIRE(found->freelancers_size() == 2);
  CHECK(found->freelancers(0).profile().freelancer_id() == rated.id);
  CHECK(found->freelancers(0).reputation().score() == "4.85");
  CHECK(found->freelancers(0).reputation().job_success_percent() == 96);
  CHECK(found->freelancers(0).reputation().badges(0) == "top_rated");
  // The documented default for a freelancer reputation has not scored.
  CHECK(found->freelancers(1).profile().freelancer_id() == newcomer.id);
  CHECK(found->freelancers(1).reputation().score() == "0.00");
  CHECK(found->freelancers(1).reputation().badges().empty());

  v1::SearchFreelancersRequest by_country;
  by_country.set_country("PT");
  by_country.add_skills("figma");
  auto designers = listings.Call().SearchFreelancers(by_country, Listings::As(client));
  REQUIRE(designers.ok());
  REQUIRE(designers->freelancers_size() == 1);
  CHECK(designers->freelancers(0).profile().freelancer_id() == designer.id);

  // EUR 80.00 an hour is USD 86.736: in a USD range from 86.73, out of one from 86.74.
  PublishEurUsd(listings);
  v1::SearchFreelancersRequest rate;
  rate.add_skills("rust");
  *rate.mutable_hourly_rate()->mutable_min() = Amount("USD", 8673);
  *rate.mutable_hourly_rate()->mutable_max() = Amount("USD", 8700);
  auto in_range = listings.Call().SearchFreelancers(rate, Listings::As(client));
  REQUIRE(in_range.ok());
  REQUIRE(in_range->freelancers_size() == 1);
  CHECK(in_range->freelancers(0).profile().freelancer_id() == newcomer.id);
  rate.mutable_hourly_rate()->mutable_min()->set_minor_units(8674);
  CHECK(listings.Call().SearchFreelancers(rate, Listings::As(client))->freelancers().empty());
}

TEST_CASE("offer search finds active offers by text, country and price in any currency",
          "[listings][search][offers]") {
  Listings listings;
  const Account seller = Freelancer("PT");
  listings.CreateProfile(seller);
  const auto create = [&](const std::string& title, std::int64_t eur_cents) {
    v1::CreateOfferRequest request;
    request.mutable_offer()->set_title(title);
    request.mutable_offer()->set_description("Delivered as a written report with examples.");
    *request.mutable_offer()->mutable_price() = Amount("EUR", eur_cents);
    request.mutable_offer()->set_delivery_days(3);
    request.mutable_offer()->add_skills("security");
    auto created = listings.Call().CreateOffer(request, Listings::As(seller));
    REQUIRE(created.ok());
    return created->offer().id();
  };
  const std::string audit = create("Penetration test of a web shop", 50000);
  const std::string review = create("Code review of a payment service", 20000);
  const std::string paused = create("Penetration test, express", 90000);
  v1::PauseOfferRequest pause;
  pause.set_offer_id(paused);
  REQUIRE(listings.Call().PauseOffer(pause, Listings::As(seller)).ok());
  const Account client = Client();

  const auto ids = [&](const v1::SearchOffersRequest& request) {
    auto found = listings.Call().SearchOffers(request, Listings::As(client));
    REQUIRE(found.ok());
    std::vector<std::string> result;
    for (const auto& offer : found->offers()) result.push_back(offer.id());
    return result;
  };
  v1::SearchOffersRequest text;
  text.set_query("penetration");
  CHECK(ids(text) == std::vector<std::string>{audit});

  v1::SearchOffersRequest cheap_first;
  cheap_first.set_country("PT");
  cheap_first.set_sort(v1::SEARCH_SORT_AMOUNT_LOW_FIRST);
  PublishEurUsd(listings);
  CHECK(ids(cheap_first) == std::vector<std::string>{review, audit});

  // EUR 200.00 is USD 216.84.
  v1::SearchOffersRequest price;
  *price.mutable_price()->mutable_max() = Amount("USD", 21684);
  CHECK(ids(price) == std::vector<std::string>{review});
  price.mutable_price()->mutable_max()->set_minor_units(21683);
  CHECK(ids(price).empty());
}

}  // namespace
}  // namespace market::listings::itest
