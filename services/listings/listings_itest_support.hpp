// What the integration tests of jobs, offers and search share: a listings service on a fresh
// schema with streams of its own, tokens for made-up accounts, typed calls, and a look at the
// service's tables and at the event streams it reads.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "listings_app.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/connect/client.hpp"
#include "market/events/v1/events.pb.h"
#include "market/http/client.hpp"
#include "market/listings/v1/listings.connect.h"
#include "market/redis/client.hpp"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"
#include "market/testing/tokens.hpp"

namespace market::listings::itest {

using namespace std::chrono_literals;

inline std::string NewId() {
  static std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

// An account as its token presents it.
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
inline Account Operator() { return {.role = auth::Role::kOperator}; }

inline google::protobuf::Timestamp In(std::chrono::system_clock::duration ahead) {
  google::protobuf::Timestamp at;
  at.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                     (std::chrono::system_clock::now() + ahead).time_since_epoch())
                     .count());
  return at;
}

inline common::v1::Money Amount(std::string currency, std::int64_t minor_units) {
  common::v1::Money money;
  money.set_currency(std::move(currency));
  money.set_minor_units(minor_units);
  return money;
}

inline v1::JobFields FixedJob(std::string title = "Reconcile bank statements with a ledger",
                              common::v1::Money price = Amount("EUR", 250000)) {
  v1::JobFields job;
  job.set_title(std::move(title));
  job.set_description("Match incoming bank statement lines to ledger transfers, nightly.");
  job.add_skills("go");
  job.add_skills("postgresql");
  *job.mutable_budget()->mutable_fixed_price() = std::move(price);
  job.set_expected_duration(v1::JOB_DURATION_ONE_TO_FOUR_WEEKS);
  job.set_visibility(v1::JOB_VISIBILITY_PUBLIC);
  *job.mutable_bid_deadline() = In(24h * 7);
  return job;
}

inline StatusCode CodeOf(const Status& status) { return status.code(); }
template <typename T>
StatusCode CodeOf(const StatusOr<T>& result) {
  return result.status().code();
}

// Polls `done` until it holds or `limit` passes.
inline bool Eventually(const std::function<bool()>& done, std::chrono::seconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

class Listings {
 public:
  // `settings` are added to the service's environment (also for a restart).
  explicit Listings(testing::EnvOverrides settings = {})
      : settings_(std::move(settings)),
        bidding_stream_("test.bidding." + NewId()),
        escrow_stream_("test.escrow." + NewId()),
        reputation_stream_("test.reputation." + NewId()),
        started_(testing::StartService(kIdentity, migrations::listings(),
                                       std::make_unique<ListingsApp>(), Streams())),
        http_(std::make_shared<http::Client>()),
        events_(EventsRedis()) {}

  // The service's settings: this fixture's streams and extra settings (also for a restart).
  testing::EnvOverrides Streams() const {
    testing::EnvOverrides env = settings_;
    env["MARKET_LISTINGS_BIDDING_STREAM"] = bidding_stream_;
    env["MARKET_LISTINGS_ESCROW_STREAM"] = escrow_stream_;
    env["MARKET_LISTINGS_REPUTATION_STREAM"] = reputation_stream_;
    return env;
  }

  // Stops the service; Restart() starts it again on the same schema, streams and port, so its
  // consumers find what was published meanwhile.
  void Stop() {
    port_ = started_.port();
    started_.host().Shutdown();
  }
  void Restart() {
    testing::EnvOverrides env = Streams();
    env["MARKET_HTTP_PORT"] = std::to_string(port_);
    testing::TestDatabase database = started_.database();
    started_ = testing::StartService(kIdentity, migrations::listings(),
                                     std::make_unique<ListingsApp>(), env, std::move(database));
  }

  v1::ListingsServiceClient Call() {
    return v1::ListingsServiceClient(
        connect::Client(http_, started_.endpoint(), connect::Codec::kProto));
  }

  static connect::CallOptions As(const Account& account) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 10s;
    options.authorization = account.Bearer();
    return options;
  }

  StatusOr<v1::Job> Post(const Account& client, const v1::JobFields& fields) {
    v1::PostJobRequest request;
    *request.mutable_job() = fields;
    auto response = Call().PostJob(request, As(client));
    if (!response.ok()) return response.status();
    return response->job();
  }

  StatusOr<v1::Job> Get(const Account& caller, const std::string& job_id) {
    v1::GetJobRequest request;
    request.set_job_id(job_id);
    auto response = Call().GetJob(request, As(caller));
    if (!response.ok()) return response.status();
    return response->job();
  }

  // A freelancer profile, needed before a freelancer is invited or sells offers.
  void CreateProfile(const Account& freelancer, std::string currency = "EUR") {
    v1::UpsertMyProfileRequest request;
    request.set_headline("Backend engineer");
    request.add_skills("go");
    request.set_timezone("Europe/Berlin");
    *request.mutable_hourly_rate() = Amount(std::move(currency), 8000);
    request.set_weekly_availability_hours(30);
    REQUIRE(Call().UpsertMyProfile(request, As(freelancer)).ok());
  }

  // Appends `payload` to the stream listings reads for its source, as the source's relay would.
  void Publish(const std::string& stream, const std::string& event_id,
               const google::protobuf::Message& payload) {
    events::v1::EventEnvelope envelope;
    envelope.set_event_id(event_id);
    envelope.set_source(stream == bidding_stream_  ? "bidding"
                        : stream == escrow_stream_ ? "escrow"
                                                   : "reputation");
    envelope.set_type(payload.GetDescriptor()->full_name());
    envelope.set_aggregate_id("test");
    envelope.mutable_payload()->PackFrom(payload);
    REQUIRE(events_
                .Command({"XADD", stream, "*", "event_id", event_id, "envelope",
                          envelope.SerializeAsString()})
                .ok());
  }

  // The first column of the first row of `sql` (tables unqualified: the service's schema).
  long long Scalar(const std::string& sql) {
    pqxx::connection connection(started_.database().dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    return tx.exec1(sql)[0].as<long long>();
  }

  // Runs `sql` in the service's schema, for state no RPC writes yet (reputation scores).
  void Execute(const std::string& sql) {
    pqxx::connection connection(started_.database().dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    tx.exec(sql);
    tx.commit();
  }

  long long OutboxCount(const std::string& event_type) {
    return Scalar("SELECT count(*) FROM outbox WHERE event_type = 'market.listings.v1." +
                  event_type + "'");
  }

  const std::string& bidding_stream() const { return bidding_stream_; }
  const std::string& escrow_stream() const { return escrow_stream_; }
  const std::string& reputation_stream() const { return reputation_stream_; }
  testing::StartedService& started() { return started_; }

 private:
  static redis::Options EventsRedis() {
    redis::Options options;
    options.port = testing::RedisPort(testing::RedisRole::kEvents);
    return options;
  }

  testing::EnvOverrides settings_;
  std::string bidding_stream_;
  std::string escrow_stream_;
  std::string reputation_stream_;
  std::uint16_t port_ = 0;
  testing::StartedService started_;
  std::shared_ptr<http::Client> http_;
  redis::Client events_;
};

}  // namespace market::listings::itest
