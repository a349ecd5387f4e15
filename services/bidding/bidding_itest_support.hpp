// What the integration tests of bidding share: a bidding service on a fresh schema, reading job
// events from a stream of its own that the test writes as listings would, with a clock the test
// can move; tokens for made-up accounts, typed calls, and a look at the service's tables.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "bid_placer.hpp"
#include "bidding_app.hpp"
#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "market/bidding/v1/bidding.connect.h"
#include "market/connect/client.hpp"
#include "market/connect/error_details.hpp"
#include "market/events/v1/events.pb.h"
#include "market/http/client.hpp"
#include "market/listings/v1/listings.pb.h"
#include "market/redis/client.hpp"
#include "market/reputation/v1/reputation.pb.h"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"
#include "market/testing/tokens.hpp"

namespace market::bidding::itest {

using namespace std::chrono_literals;
namespace lv1 = listings::v1;

inline std::string NewId() {
  static std::mt19937_64 random{std::random_device{}()};
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

struct Account {
  std::string id = NewId();
  auth::Role role;
  std::string country = "DE";

  std::string Bearer() const {
    return testing::BearerFor({.subject = id,
                               .roles = {role},
                               .country = country,
                               .expires_at = std::chrono::system_clock::now() + 1h});
  }
};

inline Account Client(std::string country = "DE") {
  return {.role = auth::Role::kClient, .country = std::move(country)};
}
inline Account Freelancer(std::string country = "DE") {
  return {.role = auth::Role::kFreelancer, .country = std::move(country)};
}

inline google::protobuf::Timestamp At(std::chrono::system_clock::time_point at) {
  google::protobuf::Timestamp stamp;
  stamp.set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  return stamp;
}

inline common::v1::Money Amount(std::string currency, std::int64_t minor_units) {
  common::v1::Money money;
  money.set_currency(std::move(currency));
  money.set_minor_units(minor_units);
  return money;
}

// An open public fixed-price job of `client` in EUR, as listings' events carry it.
inline lv1::Job OpenJob(const Account& client) {
  lv1::Job job;
  job.set_id(NewId());
  job.set_client_id(client.id);
  job.set_client_country(client.country);
  job.set_title("Reconcile bank statements with a ledger");
  job.set_description("Nightly matching.");
  *job.mutable_budget()->mutable_fixed_price() = Amount("EUR", 250000);
  job.set_expected_duration(lv1::JOB_DURATION_ONE_TO_FOUR_WEEKS);
  job.set_visibility(lv1::JOB_VISIBILITY_PUBLIC);
  *job.mutable_bid_deadline() = At(std::chrono::system_clock::now() + 24h * 7);
  job.set_status(lv1::JOB_STATUS_OPEN);
  job.set_version(1);
  return job;
}

inline v1::BidTerms FixedTerms(std::int64_t amount, std::string currency = "EUR") {
  v1::BidTerms terms;
  *terms.mutable_fixed_price() = Amount(currency, amount);
  terms.set_delivery_days(14);
  terms.set_cover_letter("I built three reconciliation engines.");
  v1::ProposedMilestone& first = *terms.add_milestones();
  first.set_title("Matching rules");
  *first.mutable_amount() = Amount(currency, amount / 2);
  v1::ProposedMilestone& second = *terms.add_milestones();
  second.set_title("Nightly job");
  *second.mutable_amount() = Amount(currency, amount - amount / 2);
  return terms;
}

inline std::string ReasonOf(const Status& status) {
  const auto info = connect::ErrorInfoOf(status);
  return info ? info->reason : "";
}

inline bool Eventually(const std::function<bool()>& done, std::chrono::seconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// Settings for tests of PlaceBid's batches: one writer, so that the calls arriving while its
// batch waits (say, on a row a test locked with Bidding::LockJobRow) form the next batch.
inline testing::EnvOverrides OneBatchWriter() {
  return {{"MARKET_WORKER_THREADS", "16"},
          {"MARKET_PG_POOL_SIZE", "16"},
          {"MARKET_BIDDING_PLACE_WRITERS", "1"}};
}

class Bidding {
 public:
  explicit Bidding(testing::EnvOverrides env = {})
      : listings_stream_("test.listings." + NewId()),
        reputation_stream_("test.reputation." + NewId()),
        started_(testing::StartService(kIdentity, migrations::bidding(),
                                       std::make_unique<BiddingApp>([this] { return Now(); }),
                                       WithStreams(std::move(env)))),
        http_(std::make_shared<http::Client>()),
        events_(EventsRedis()) {}

  // Stops the service; Restart() starts it again on the same schema, streams and port, so its
  // consumers find what was published meanwhile.
  void Stop() {
    port_ = started_.port();
    started_.host().Shutdown();
  }
  void Restart() {
    testing::EnvOverrides env = WithStreams({});
    env["MARKET_HTTP_PORT"] = std::to_string(port_);
    testing::TestDatabase database = started_.database();
    started_ = testing::StartService(kIdentity, migrations::bidding(),
                                     std::make_unique<BiddingApp>([this] { return Now(); }), env,
                                     std::move(database));
  }

  v1::BiddingServiceClient Call() {
    return v1::BiddingServiceClient(
        connect::Client(http_, started_.endpoint(), connect::Codec::kProto));
  }

  static connect::CallOptions As(const Account& account) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 20s;
    options.authorization = account.Bearer();
    return options;
  }

  // The service's clock: the real one moved by Shift(), or stopped at FreezeAt().
  std::chrono::system_clock::time_point Now() const {
    if (const std::int64_t frozen = frozen_micros_.load(); frozen != 0) {
      return std::chrono::system_clock::time_point(std::chrono::microseconds(frozen));
    }
    return std::chrono::system_clock::now() + std::chrono::microseconds(shift_micros_.load());
  }
  void Shift(std::chrono::microseconds by) { shift_micros_ += by.count(); }
  void FreezeAt(std::chrono::system_clock::time_point at) {
    frozen_micros_ =
        std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  }

  // Publishes a job event as listings' relay would and waits until bidding applied it.
  template <typename Event>
  void PublishJob(const Event& event) {
    PublishListingsEvent(event, event.job().id());
  }

  // Listings' ProfileUpdated: the freelancer's profile lists `languages`.
  void PublishProfile(const Account& freelancer, const std::vector<std::string>& languages,
                      std::int64_t version) {
    lv1::ProfileUpdated profile;
    profile.set_freelancer_id(freelancer.id);
    for (const std::string& language : languages) profile.add_languages(language);
    profile.set_country(freelancer.country);
    profile.set_version(version);
    PublishListingsEvent(profile, freelancer.id);
  }

  // Adds the event to listings' stream and waits until bidding's consumer has applied it.
  void PublishListingsEvent(const google::protobuf::Message& event,
                            const std::string& aggregate_id) {
    events::v1::EventEnvelope envelope;
    const std::string event_id = "listings:" + NewId();
    envelope.set_event_id(event_id);
    envelope.set_source("listings");
    envelope.set_type(event.GetDescriptor()->full_name());
    envelope.set_aggregate_id(aggregate_id);
    envelope.mutable_payload()->PackFrom(event);
    REQUIRE(events_
                .Command({"XADD", listings_stream_, "*", "event_id", event_id, "envelope",
                          envelope.SerializeAsString()})
                .ok());
    REQUIRE(Eventually([&] {
      return Scalar("SELECT count(*) FROM processed_events WHERE event_id = '" + event_id + "'") ==
             1;
    }));
  }

  // Publishes reputation's score of `freelancer` as its relay would and waits until bidding
  // applied it.
  void PublishScore(const Account& freelancer, double rating, int reviews, std::int64_t version) {
    reputation::v1::ScoreUpdated updated;
    updated.set_user_id(freelancer.id);
    updated.set_rating(rating);
    updated.set_review_count(reviews);
    updated.set_version(version);
    const std::string event_id = "reputation:" + NewId();
    PublishRaw(reputation_stream_, event_id, updated);
    REQUIRE(Eventually([&] { return Applied(event_id); }));
  }

  // Appends `payload` to `stream` under `event_id`, as a relay would, without waiting.
  void PublishRaw(const std::string& stream, const std::string& event_id,
                  const google::protobuf::Message& payload) {
    events::v1::EventEnvelope envelope;
    envelope.set_event_id(event_id);
    envelope.set_source(stream == listings_stream_ ? "listings" : "reputation");
    envelope.set_type(payload.GetDescriptor()->full_name());
    envelope.set_aggregate_id("itest");
    envelope.mutable_payload()->PackFrom(payload);
    REQUIRE(events_
                .Command({"XADD", stream, "*", "event_id", event_id, "envelope",
                          envelope.SerializeAsString()})
                .ok());
  }

  const std::string& reputation_stream() const { return reputation_stream_; }

  bool Applied(const std::string& event_id) {
    return Scalar("SELECT count(*) FROM processed_events WHERE event_id = '" + event_id + "'") == 1;
  }

  lv1::Job PostJob(const lv1::Job& job) {
    lv1::JobPosted posted;
    *posted.mutable_job() = job;
    PublishJob(posted);
    return job;
  }

  StatusOr<v1::Bid> Place(const Account& freelancer, const std::string& job_id,
                          const v1::BidTerms& terms) {
    v1::PlaceBidRequest request;
    request.set_job_id(job_id);
    *request.mutable_terms() = terms;
    auto response = Call().PlaceBid(request, As(freelancer));
    if (!response.ok()) return response.status();
    return response->bid();
  }

  long long Scalar(const std::string& sql) {
    pqxx::connection connection(started_.database().dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    return tx.exec1(sql)[0].as<long long>();
  }

  void Execute(const std::string& sql) {
    pqxx::connection connection(started_.database().dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    tx.exec(sql);
    tx.commit();
  }

  // Locks bidding's copy of the job FOR UPDATE in `tx` (the test's own), until tx ends: bids on
  // it wait.
  void LockJobRow(pqxx::work& tx, const lv1::Job& job) {
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    tx.exec("SELECT 1 FROM jobs WHERE id = " + tx.quote(job.id()) + " FOR UPDATE");
  }

  const std::string& Dsn() const { return started_.database().dsn; }
  const std::string& Schema() const { return started_.database().schema; }

  long long OutboxCount(const std::string& event_type, const std::string& job_id) {
    return Scalar("SELECT count(*) FROM outbox WHERE event_type = 'market.bidding.v1." +
                  event_type + "' AND aggregate_id = '" + job_id + "'");
  }

 private:
  testing::EnvOverrides WithStreams(testing::EnvOverrides env) const {
    env["MARKET_BIDDING_LISTINGS_STREAM"] = listings_stream_;
    env["MARKET_BIDDING_REPUTATION_STREAM"] = reputation_stream_;
    // The relay would publish test events to the shared bidding stream; tests read the outbox.
    env["MARKET_RELAY_EVENTS"] = "false";
    return env;
  }
  static redis::Options EventsRedis() {
    redis::Options options;
    options.port = testing::RedisPort(testing::RedisRole::kEvents);
    return options;
  }

  std::atomic<std::int64_t> shift_micros_{0};
  std::atomic<std::int64_t> frozen_micros_{0};
  std::string listings_stream_;
  std::string reputation_stream_;
  std::uint16_t port_ = 0;
  testing::StartedService started_;
  std::shared_ptr<http::Client> http_;
  redis::Client events_;
};

}  // namespace market::bidding::itest
