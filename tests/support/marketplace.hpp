// The four domain services in one test process, wired as on the running stack: each on a fresh
// schema of its own, each publishing its events through its real outbox relay to the real
// streams (market.events.<service>), each consuming them with its real consumers. Any service
// can be stopped and started again on the same schema, to leave events pending meanwhile.
//
//   Marketplace market;
//   auto job = market.Listings().PostJob(request, Marketplace::As(client));
//   market.Stop(Marketplace::kEscrow);   // BidAccepted now waits on the stream
//   market.Start(Marketplace::kEscrow);  // and is applied here
//
// The consumer groups of the listings, bidding and escrow services have fixed names shared by
// every run against the test Redis; the fixture moves them to the end of their streams before
// starting, so a test applies the events of its own run (integration tests run one at a time).
// Reputation gets a group of its own.
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "bidding_app.hpp"
#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "escrow_app.hpp"
#include "escrow_identity.hpp"
#include "escrow_migrations.hpp"
#include "listings_app.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/bidding/v1/bidding.connect.h"
#include "market/connect/client.hpp"
#include "market/escrow/v1/escrow.connect.h"
#include "market/events/outbox.hpp"
#include "market/http/client.hpp"
#include "market/listings/v1/listings.connect.h"
#include "market/redis/client.hpp"
#include "market/reputation/v1/reputation.connect.h"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"
#include "market/testing/tokens.hpp"
#include "reputation_app.hpp"
#include "reputation_identity.hpp"
#include "reputation_migrations.hpp"

namespace market::itest {

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
  std::string country;
};

// Polls `done` until it holds or `limit` passes.
inline bool Eventually(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

class Marketplace {
 public:
  enum Service { kListings, kBidding, kEscrow, kReputation };

  Marketplace()
      : reputation_group_("reputation-wiring-" + NewId()),
        run_(NewId().substr(0, 8)),
        http_(std::make_shared<http::Client>()),
        events_(EventsRedis()) {
    MoveGroupsToEnd();
    for (Service service : {kListings, kBidding, kEscrow, kReputation}) Start(service);
  }

  ~Marketplace() {
    // Consumers stop before the relays of the others, which their steps do not need.
    for (auto& running : running_) {
      if (running) running->host().Shutdown();
    }
  }

  // Starts `service` on its schema (a fresh one the first time). Its consumer name stays the
  // same across restarts, so it re-reads the entries it had pending.
  void Start(Service service) {
    testing::EnvOverrides env{{"MARKET_INSTANCE_NAME", "wiring-" + run_ + "-" + Name(service)}};
    running_[service].emplace(testing::StartService(Identity(service), Migrations(service),
                                                    NewApp(service), env, databases_[service]));
    databases_[service] = running_[service]->database();
  }

  void Stop(Service service) {
    running_[service]->host().Shutdown();
    running_[service].reset();
  }

  listings::v1::ListingsServiceClient Listings() {
    return listings::v1::ListingsServiceClient(Connect(kListings));
  }
  bidding::v1::BiddingServiceClient Bidding() {
    return bidding::v1::BiddingServiceClient(Connect(kBidding));
  }
  escrow::v1::EscrowServiceClient Escrow() {
    return escrow::v1::EscrowServiceClient(Connect(kEscrow));
  }
  reputation::v1::ReputationServiceClient Reputation() {
    return reputation::v1::ReputationServiceClient(Connect(kReputation));
  }

  static connect::CallOptions As(const Account& account) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 20s;
    options.authorization =
        testing::BearerFor({.subject = account.id,
                            .roles = {account.role},
                            .country = account.country,
                            .expires_at = std::chrono::system_clock::now() + 1h});
    return options;
  }

  // The first column of the first row of `sql`, run in `service`'s schema.
  long long Scalar(Service service, const std::string& sql) {
    pqxx::connection connection(databases_[service]->dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(databases_[service]->schema));
    return tx.exec1(sql)[0].as<long long>();
  }

  redis::Client& events() { return events_; }

 private:
  static redis::Options EventsRedis() {
    redis::Options options;
    options.port = testing::RedisPort(testing::RedisRole::kEvents);
    return options;
  }

  static std::string Name(Service service) {
    static constexpr std::array<const char*, 4> kNames = {"listings", "bidding", "escrow",
                                                          "reputation"};
    return kNames[service];
  }
  static const runtime::ServiceIdentity& Identity(Service service) {
    static const std::array<runtime::ServiceIdentity, 4> kIdentities = {
        listings::kIdentity, bidding::kIdentity, escrow::kIdentity, reputation::kIdentity};
    return kIdentities[service];
  }
  static const pg::MigrationSet& Migrations(Service service) {
    switch (service) {
      case kListings:
        return migrations::listings();
      case kBidding:
        return migrations::bidding();
      case kEscrow:
        return migrations::escrow();
      default:
        return migrations::reputation();
    }
  }
  std::unique_ptr<runtime::Service> NewApp(Service service) const {
    switch (service) {
      case kListings:
        return std::make_unique<listings::ListingsApp>();
      case kBidding:
        return std::make_unique<bidding::BiddingApp>();
      case kEscrow:
        return std::make_unique<escrow::EscrowApp>();
      default:
        return std::make_unique<reputation::ReputationApp>(reputation::ReputationOptions{
            .consumer_group = reputation_group_, .rescore_interval = 100ms});
    }
  }

  // Every (stream, group) the four services read, at the stream's end.
  void MoveGroupsToEnd() {
    const std::array<std::pair<std::string, std::string>, 8> groups = {{
        {"bidding", "escrow"},
        {"listings", "escrow"},
        {"bidding", "listings"},
        {"escrow", "listings"},
        {"reputation", "listings"},
        {"listings", "bidding"},
        {"reputation", "bidding"},
        {"escrow", reputation_group_},
    }};
    // Destroyed and made again, not just moved: SETID keeps the group's pending entries, and
    // an earlier suite's unacknowledged test events (say a malformed BidAccepted) would then
    // be retried here for seconds ahead of this test's own.
    for (const auto& [source, group] : groups) {
      const std::string stream = events::StreamName(source);
      auto created = events_.Command({"XGROUP", "CREATE", stream, group, "$", "MKSTREAM"});
      if (!created.ok()) {
        REQUIRE(redis::IsErrorReply(created.status(), "BUSYGROUP"));
        REQUIRE(events_.Command({"XGROUP", "DESTROY", stream, group}).ok());
        REQUIRE(events_.Command({"XGROUP", "CREATE", stream, group, "$"}).ok());
      }
    }
  }

  connect::Client Connect(Service service) {
    REQUIRE(running_[service].has_value());
    return connect::Client(http_, running_[service]->endpoint(), connect::Codec::kProto);
  }

  const std::string reputation_group_;
  const std::string run_;
  std::shared_ptr<http::Client> http_;
  redis::Client events_;
  std::array<std::optional<testing::TestDatabase>, 4> databases_;
  std::array<std::optional<testing::StartedService>, 4> running_;
};

}  // namespace market::itest
