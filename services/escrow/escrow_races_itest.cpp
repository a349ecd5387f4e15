// Escrow under concurrency and in the background: two hosts auto-approving one database, the
// contract-creating consumers, and many clients moving money at once with duplicate
// idempotency keys. After each, the ledger check must pass and every success must show exactly
// once.
#include "escrow_service.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "escrow_itest_support.hpp"
#include "market/bidding/v1/bidding.pb.h"
#include "market/events/outbox.hpp"
#include "market/listings/v1/listings.pb.h"
#include "market/redis/client.hpp"
#include "market/testing/redis.hpp"
#include "movement_batch.hpp"

namespace market::escrow::itest {
namespace {

// Counts the release transfers of each milestone, straight from the ledger.
std::map<std::string, long long> ReleasesPerMilestone(const testing::TestDatabase& database) {
  pg::Pool pool({.dsn = database.dsn});
  std::map<std::string, long long> releases;
  REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
            releases.clear();
            for (const auto& row :
                 tx.exec("SELECT milestone_id::text AS id, count(*) AS n FROM transfers "
                         "WHERE kind = 'release' GROUP BY milestone_id")) {
              releases[row["id"].as<std::string>()] = row["n"].as<long long>();
            }
            return OkStatus();
          }).ok());
  return releases;
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

TEST_CASE("auto-approval releases each silent milestone exactly once with two hosts running",
          "[escrow][auto-approve][race]") {
  Escrow first(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-a"}});
  Escrow second(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-b"}},
                first.database());
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  constexpr int kContracts = 12;
  REQUIRE(first.TopUp(client, "USD", kContracts * 1000).ok());
  std::vector<v1::Contract> contracts;
  for (int i = 0; i < kContracts; ++i) {
    contracts.push_back(first.NewContract(client, freelancer, "USD", {1000}, "", 2));
    REQUIRE(first.Fund(client, Escrow::Ref(contracts.back(), 0)).ok());
    // Half through each host, so both serve the same contracts.
    Escrow& host = i % 2 == 0 ? first : second;
    REQUIRE(host.Submit(freelancer, Escrow::Ref(contracts.back(), 0)).ok());
  }
  // One is disputed inside its window: frozen, never approved automatically.
  REQUIRE(second.Dispute(client, Escrow::Ref(contracts[0], 0)).ok());

  REQUIRE(
      WaitFor([&] { return first.WalletBalance(freelancer, "USD") >= (kContracts - 1) * 900; }));
  std::this_thread::sleep_for(3s);  // time for a double release to show, were there one

  CHECK(first.WalletBalance(freelancer, "USD") == (kContracts - 1) * 900);
  const auto releases = ReleasesPerMilestone(first.database());
  CHECK(releases.size() == kContracts - 1);
  for (const auto& [milestone, count] : releases) {
    CAPTURE(milestone);
    CHECK(count == 1);
  }
  CHECK(first.Get(client, contracts[0].id()).milestones(0).state() == v1::MILESTONE_STATE_DISPUTED);
  CHECK(first.Get(client, contracts[1].id()).state() == v1::CONTRACT_STATE_COMPLETED);
  CHECK(second.CheckLedger().ok());
}

// Publishes `payload` to `source`'s stream as its outbox relay would.
void Publish(redis::Client& redis, const std::string& source, const std::string& event_id,
             const google::protobuf::Message& payload) {
  events::v1::EventEnvelope envelope;
  envelope.set_event_id(event_id);
  envelope.set_source(source);
  envelope.set_type(payload.GetDescriptor()->full_name());
  envelope.set_aggregate_id("itest");
  envelope.mutable_payload()->PackFrom(payload);
  const auto added = redis.Command({"XADD", events::StreamName(source), "*", "event_id", event_id,
                                    "envelope", envelope.SerializeAsString()});
  REQUIRE(added.ok());
}

TEST_CASE("accepted bids and bought offers become one contract each, however often delivered",
          "[escrow][events]") {
  Escrow escrow(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-events"}});
  escrow.LoadRate("EUR", "USD", "1.0842");
  redis::Options options;
  options.port = testing::RedisPort();
  redis::Client redis(options);
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);

  market::bidding::v1::BidAccepted hourly;
  hourly.set_bid_id(NewId());
  hourly.set_job_title("Ongoing support");
  hourly.set_client_id(client.id);
  hourly.set_client_country("DE");
  hourly.set_freelancer_id(freelancer.id);
  hourly.set_freelancer_country("AR");
  hourly.set_freelancer_payout_currency("EUR");
  *hourly.mutable_hourly()->mutable_hourly_rate() = M("EUR", 5000);
  hourly.mutable_hourly()->set_weekly_hour_limit(20);
  Publish(redis, "bidding", "bidding:" + NewId(), hourly);
  Publish(redis, "bidding", "bidding:" + NewId(), hourly);  // bidding sent it twice

  market::bidding::v1::BidAccepted accepted = hourly;
  accepted.set_bid_id(NewId());
  accepted.set_job_title("Checkout rewrite");
  accepted.set_freelancer_payout_currency("USD");
  for (const std::int64_t amount : {40000, 60000}) {
    auto& milestone = *accepted.mutable_fixed_price()->add_milestones();
    milestone.set_title("Part " + std::to_string(amount));
    *milestone.mutable_amount() = M("EUR", amount);
  }
  *accepted.mutable_fixed_price()->mutable_amount() = M("EUR", 100000);
  const std::string event_id = "bidding:" + NewId();
  Publish(redis, "bidding", event_id, accepted);
  Publish(redis, "bidding", event_id, accepted);              // the relay published it twice
  Publish(redis, "bidding", "bidding:" + NewId(), accepted);  // bidding sent it twice

  market::listings::v1::OfferBought bought;
  bought.set_purchase_id(NewId());
  bought.set_offer_id(NewId());
  bought.set_title("Landing page in a week");
  bought.set_client_id(client.id);
  bought.set_client_country("DE");
  bought.set_freelancer_id(freelancer.id);
  bought.set_freelancer_country("AR");
  *bought.mutable_price() = M("EUR", 25000);
  bought.set_freelancer_payout_currency("EUR");
  Publish(redis, "listings", "listings:" + NewId(), bought);

  v1::ListMyContractsResponse listed;
  REQUIRE(WaitFor([&] {
    const auto mine = escrow.Client().ListMyContracts({}, Escrow::As(client.bearer));
    if (mine.ok()) listed = *mine;
    return mine.ok() && mine->contracts_size() >= 3;
  }));
  std::this_thread::sleep_for(2s);  // a duplicate, were one applied, would show by now
  const auto mine = escrow.Client().ListMyContracts({}, Escrow::As(client.bearer));
  REQUIRE(mine.ok());
  REQUIRE(mine->contracts_size() == 3);
  std::map<std::string, v1::Contract> by_source;
  for (const auto& contract : mine->contracts()) by_source[contract.source_id()] = contract;
  REQUIRE(by_source.contains(accepted.bid_id()));
  REQUIRE(by_source.contains(bought.purchase_id()));
  REQUIRE(by_source.contains(hourly.bid_id()));
  const v1::Contract& from_hourly = by_source[hourly.bid_id()];
  CHECK(from_hourly.milestones().empty());
  CHECK(from_hourly.currency() == "EUR");
  CHECK(from_hourly.hourly().hourly_rate().minor_units() == 5000);
  CHECK(from_hourly.hourly().weekly_hour_limit() == 20);
  CHECK(from_hourly.hourly().start_date().size() == 10);  // the creation day, UTC
  CHECK(from_hourly.state() == v1::CONTRACT_STATE_ACTIVE);
  const v1::Contract& from_bid = by_source[accepted.bid_id()];
  CHECK(from_bid.source() == v1::CONTRACT_SOURCE_ACCEPTED_BID);
  CHECK(from_bid.milestones_size() == 2);
  CHECK(from_bid.locked_rate().rate() == "1.0842");
  const v1::Contract& from_offer = by_source[bought.purchase_id()];
  CHECK(from_offer.milestones(0).amount().minor_units() == 25000);
  CHECK(from_offer.milestones(0).title() == "Landing page in a week");
}

TEST_CASE("contracts without a review window get the platform's, frozen at creation",
          "[escrow][events][auto-approve]") {
  SECTION("the variable's range and default") {
    config::Env unset(std::map<std::string, std::string>{});
    CHECK(PolicyDefaults::FromEnv(unset).review_window_seconds == 14 * 24 * 3600);
    CHECK(PolicyDefaults::FromEnv(unset).invoice_review_window_seconds == 5 * 24 * 3600);
    CHECK(unset.Check().ok());
    for (const char* name :
         {"MARKET_ESCROW_REVIEW_WINDOW_S", "MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S"}) {
      for (const char* bad : {"0", "7776001", "soon"}) {
        config::Env env(std::map<std::string, std::string>{{name, bad}});
        PolicyDefaults::FromEnv(env);
        CAPTURE(name, bad);
        CHECK(env.Check().code() == StatusCode::kInvalidArgument);
      }
    }
    config::Env set(
        std::map<std::string, std::string>{{"MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S", "30"}});
    CHECK(PolicyDefaults::FromEnv(set).invoice_review_window_seconds == 30);
    CHECK(set.Check().ok());
  }

  SECTION("an accepted bid's contract is approved automatically after the short window") {
    Escrow escrow(testing::EnvOverrides{{"MARKET_INSTANCE_NAME", "escrow-itest-window"},
                                        {"MARKET_ESCROW_REVIEW_WINDOW_S", "2"}});
    redis::Options options;
    options.port = testing::RedisPort();
    redis::Client redis(options);
    const User client = NewUser(auth::Role::kClient);
    const User freelancer = NewUser(auth::Role::kFreelancer);

    market::bidding::v1::BidAccepted accepted;
    accepted.set_bid_id(NewId());
    accepted.set_job_title("Checkout rewrite");
    accepted.set_client_id(client.id);
    accepted.set_client_country("DE");
    accepted.set_freelancer_id(freelancer.id);
    accepted.set_freelancer_country("AR");
    accepted.set_freelancer_payout_currency("EUR");
    auto& milestone = *accepted.mutable_fixed_price()->add_milestones();
    milestone.set_title("All of it");
    *milestone.mutable_amount() = M("EUR", 10000);
    *accepted.mutable_fixed_price()->mutable_amount() = M("EUR", 10000);
    Publish(redis, "bidding", "bidding:" + NewId(), accepted);

    v1::Contract contract;
    REQUIRE(WaitFor([&] {
      const auto mine = escrow.Client().ListMyContracts({}, Escrow::As(client.bearer));
      if (!mine.ok() || mine->contracts().empty()) return false;
      contract = mine->contracts(0);
      return true;
    }));
    CHECK(contract.source_id() == accepted.bid_id());
    CHECK(contract.policy().review_window_seconds() == 2);
    // A service's CreateContract gets the platform's window too, unless it names its own.
    CHECK(escrow.NewContract(client, freelancer, "EUR", {100}).policy().review_window_seconds() ==
          2);
    CHECK(escrow.NewContract(client, freelancer, "EUR", {100}, "", 600)
              .policy()
              .review_window_seconds() == 600);

    REQUIRE(escrow.TopUp(client, "EUR", 10000).ok());
    REQUIRE(escrow.Fund(client, Escrow::Ref(contract, 0)).ok());
    REQUIRE(escrow.Submit(freelancer, Escrow::Ref(contract, 0)).ok());
    REQUIRE(WaitFor([&] { return escrow.WalletBalance(freelancer, "EUR") == 9000; }, 10s));
    CHECK(escrow.Get(client, contract.id()).state() == v1::CONTRACT_STATE_COMPLETED);
    CHECK(escrow.CheckLedger().ok());
  }
}

TEST_CASE("many clients moving money at once with duplicate keys keep the ledger exact",
          "[escrow][race]") {
  Escrow escrow;
  // Three clients and two freelancers; the first client's wallet cannot fund all of its
  // milestones, so funding races on it must refuse some (money rule 3).
  const std::vector<User> clients = {NewUser(auth::Role::kClient), NewUser(auth::Role::kClient),
                                     NewUser(auth::Role::kClient)};
  const std::vector<User> freelancers = {NewUser(auth::Role::kFreelancer),
                                         NewUser(auth::Role::kFreelancer)};
  const std::vector<std::int64_t> initial = {8000, 1'000'000, 1'000'000};
  for (std::size_t c = 0; c < clients.size(); ++c) {
    REQUIRE(escrow.TopUp(clients[c], "USD", initial[c]).ok());
  }
  constexpr int kContracts = 6;
  struct Party {
    const User& client;
    const User& freelancer;
  };
  std::vector<v1::Contract> contracts;
  std::vector<Party> parties;
  for (int i = 0; i < kContracts; ++i) {
    parties.push_back({clients[i % 3], freelancers[i % 2]});
    contracts.push_back(escrow.NewContract(parties.back().client, parties.back().freelancer, "USD",
                                           {1001, 2003, 3007}));
  }
  // Keys are shared across threads, so duplicates of one request race each other: they must
  // replay the first answer, never move twice.
  std::mutex mutex;
  std::map<std::string, std::int64_t> topped_up;  // successful top-up keys per client id
  std::atomic<int> successes{0}, refusals{0}, unexpected{0};
  const auto batches_before = MovementBatchSizes().Take();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t) * 7919u);
      for (int step = 0; step < 40; ++step) {
        const int which = static_cast<int>(random() % kContracts);
        const Party& party = parties[which];
        const v1::MilestoneRef ref = Escrow::Ref(contracts[which], static_cast<int>(random() % 3));
        const std::string key = std::to_string(random() % 2) + "-" + ref.milestone_id();
        Status status;
        switch (random() % 7) {
          case 0:
            status = escrow.Fund(party.client, ref, "fund-" + key).status();
            break;
          case 1:
            status = escrow.Submit(party.freelancer, ref, "submit-" + key).status();
            break;
          case 2:
            status = escrow.Approve(party.client, ref, "approve-" + key).status();
            break;
          case 3:
            status = escrow.Cancel(party.client, ref, "cancel-c-" + key).status();
            break;
          case 4:
            status = escrow.Cancel(party.freelancer, ref, "cancel-f-" + key).status();
            break;
          case 5:
            status = escrow.Dispute(party.freelancer, ref, "dispute-" + key).status();
            break;
          default: {
            const std::string top_up_key = "top-up-" + std::to_string(step % 4);
            status = escrow.TopUp(party.client, "USD", 500, top_up_key).status();
            if (status.ok()) {
              std::lock_guard lock(mutex);
              topped_up[party.client.id + "/" + top_up_key] = 500;
            }
          }
        }
        if (status.ok()) {
          ++successes;
        } else if (status.code() == StatusCode::kFailedPrecondition) {
          ++refusals;
        } else {
          UNSCOPED_INFO(status.ToString());
          ++unexpected;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(unexpected == 0);
  CHECK(successes > 0);
  CHECK(refusals > 0);
  // Funds and approvals ran in batches (movement_batch.hpp), so the rules above held for
  // movements sharing a transaction too, not only for movements alone.
  const auto batches = MovementBatchSizes().Take();
  const double movements = batches.sum - batches_before.sum;
  const auto count = batches.cumulative.back() - batches_before.cumulative.back();
  INFO("movements " << movements << " in " << count << " batches");
  CHECK(movements > static_cast<double>(count));

  const auto check = escrow.CheckLedger();
  CHECK(check.ok());
  // Every success shows exactly once: each client's wallet is what it paid in (once per
  // top-up key) less what escrow holds or released of its contracts; the freelancers together
  // got what the releases paid (released less fees and rounding).
  std::map<std::string, std::int64_t> expected;
  for (std::size_t c = 0; c < clients.size(); ++c) expected[clients[c].id] = initial[c];
  for (const auto& [key, amount] : topped_up) expected[key.substr(0, key.find('/'))] += amount;
  std::int64_t held = 0, released = 0;
  for (int i = 0; i < kContracts; ++i) {
    const v1::Contract now = escrow.Get(parties[i].client, contracts[i].id());
    for (const auto& m : now.milestones()) {
      held += m.held().minor_units();
      released += m.released().minor_units();
      expected[parties[i].client.id] -= m.held().minor_units() + m.released().minor_units();
    }
  }
  for (const User& client : clients) {
    CAPTURE(client.id);
    CHECK(escrow.WalletBalance(client, "USD") == expected[client.id]);
    CHECK(escrow.WalletBalance(client, "USD") >= 0);
  }
  std::int64_t kept = 0;
  for (const auto& currency : check.currencies()) {
    for (const auto& figure : currency.accounts()) {
      if (figure.kind() == "escrow") CHECK(figure.recomputed().minor_units() == held);
      if (figure.kind() == "fee_revenue" || figure.kind() == "rounding") {
        kept += figure.recomputed().minor_units();
      }
    }
  }
  CHECK(escrow.WalletBalance(freelancers[0], "USD") + escrow.WalletBalance(freelancers[1], "USD") ==
        released - kept);
}

TEST_CASE("a release racing a refund on one milestone ends with exactly one", "[escrow][race]") {
  Escrow escrow;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  REQUIRE(escrow.TopUp(client, "USD", 10 * 5000).ok());
  for (int round = 0; round < 10; ++round) {
    CAPTURE(round);
    const v1::Contract contract = escrow.NewContract(client, freelancer, "USD", {5000});
    const v1::MilestoneRef ref = Escrow::Ref(contract, 0);
    REQUIRE(escrow.Fund(client, ref).ok());
    REQUIRE(escrow.Submit(freelancer, ref).ok());
    REQUIRE(escrow.Cancel(freelancer, ref).ok());  // the client's cancel would complete it
    std::atomic<bool> go{false};
    Status approve, cancel;
    std::thread approver([&] {
      while (!go) std::this_thread::yield();
      approve = escrow.Approve(client, ref).status();
    });
    std::thread canceller([&] {
      while (!go) std::this_thread::yield();
      cancel = escrow.Cancel(client, ref).status();
    });
    go = true;
    approver.join();
    canceller.join();
    CHECK(approve.ok() != cancel.ok());
    const auto state = escrow.Get(client, contract.id()).milestones(0).state();
    CHECK(state == (approve.ok() ? v1::MILESTONE_STATE_RELEASED : v1::MILESTONE_STATE_CANCELLED));
  }
  CHECK(escrow.CheckLedger().ok());
}

}  // namespace
}  // namespace market::escrow::itest
