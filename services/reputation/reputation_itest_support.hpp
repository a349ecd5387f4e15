// Shared by the reputation integration tests: a reputation service on a fresh schema with a
// consumer group of its own on escrow's stream, escrow's contract events published as escrow's
// relay would, typed calls as each kind of caller, and reads of the service's own tables.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "market/auth/token.hpp"
#include "market/connect/client.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "market/events/outbox.hpp"
#include "market/http/client.hpp"
#include "market/pg/pool.hpp"
#include "market/pg/transaction.hpp"
#include "market/redis/client.hpp"
#include "market/reputation/v1/reputation.connect.h"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"
#include "market/testing/token_keys.hpp"
#include "reputation_app.hpp"
#include "reputation_identity.hpp"
#include "reputation_migrations.hpp"

namespace market::reputation::itest {

using namespace std::chrono_literals;

inline std::string NewId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

struct User {
  std::string id;
  std::string bearer;
};

inline User NewUser(auth::Role role) {
  User user{NewId(), ""};
  user.bearer = "Bearer " + testing::SharedTestTokenKeys().Signer("users")->Issue(
                                {.subject = user.id,
                                 .roles = {role},
                                 .country = "DE",
                                 .expires_at = std::chrono::system_clock::now() + 1h});
  return user;
}

inline bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

inline market::common::v1::Money Usd(std::int64_t cents, const std::string& currency = "USD") {
  market::common::v1::Money money;
  money.set_currency(currency);
  money.set_minor_units(cents);
  return money;
}

class Reputation {
 public:
  Reputation()
      : events_(RedisOptions(testing::RedisRole::kEvents)),
        group_(NewGroupAtEndOfStream(events_)),
        started_(testing::StartService(kIdentity, migrations::reputation(),
                                       std::make_unique<ReputationApp>(ReputationOptions{
                                           .consumer_group = group_,
                                           .rescore_interval = 100ms,
                                       }))),
        http_(std::make_shared<http::Client>()),
        pool_({.dsn = started_.database().dsn}) {}

  // A consumer group of the test's own that starts after the entries earlier tests left on the
  // stream, so a test applies its own events only (a new group would otherwise start at the
  // beginning).
  static std::string NewGroupAtEndOfStream(redis::Client& events) {
    const std::string group = "reputation-itest-" + NewId();
    const auto created =
        events.Command({"XGROUP", "CREATE", events::StreamName("escrow"), group, "$", "MKSTREAM"});
    REQUIRE(created.ok());
    return group;
  }

  static redis::Options RedisOptions(testing::RedisRole role) {
    redis::Options options;
    options.port = testing::RedisPort(role);
    return options;
  }

  v1::ReputationServiceClient Client() {
    return v1::ReputationServiceClient(connect::Client(http_, started_.endpoint()));
  }
  static connect::CallOptions As(const User& user) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 20s;
    options.authorization = user.bearer;
    return options;
  }

  // Publishes `payload` on escrow's stream as escrow's relay would; `occurred_at_unix_seconds`
  // 0 leaves the envelope's time unset (the service then uses its clock).
  void Publish(const google::protobuf::Message& payload, const std::string& aggregate_id,
               std::int64_t occurred_at_unix_seconds = 0, const std::string& event_id = "") {
    events::v1::EventEnvelope envelope;
    envelope.set_event_id(event_id.empty() ? "escrow:" + NewId() : event_id);
    envelope.set_source("escrow");
    envelope.set_type(payload.GetDescriptor()->full_name());
    envelope.set_aggregate_id(aggregate_id);
    if (occurred_at_unix_seconds > 0)
      envelope.mutable_occurred_at()->set_seconds(occurred_at_unix_seconds);
    envelope.mutable_payload()->PackFrom(payload);
    const auto added =
        events_.Command({"XADD", events::StreamName("escrow"), "*", "event_id", envelope.event_id(),
                         "envelope", envelope.SerializeAsString()});
    REQUIRE(added.ok());
  }

  // A contract of `client` with `freelancer` worth `cents` in `currency`, in one milestone.
  std::string Create(const User& client, const User& freelancer, std::int64_t cents,
                     std::int64_t review_window_seconds = 0, const std::string& currency = "USD") {
    escrow::v1::ContractCreated created;
    escrow::v1::Contract& contract = *created.mutable_contract();
    contract.set_id(NewId());
    contract.set_client_id(client.id);
    contract.set_freelancer_id(freelancer.id);
    contract.set_currency(currency);
    auto& milestone = *contract.add_milestones();
    milestone.set_id(NewId());
    *milestone.mutable_amount() = Usd(cents, currency);
    contract.mutable_policy()->set_review_window_seconds(review_window_seconds);
    Publish(created, contract.id());
    return contract.id();
  }

  void Fund(const std::string& contract_id, std::int64_t cents) {
    escrow::v1::MilestoneFunded funded;
    funded.set_contract_id(contract_id);
    *funded.mutable_amount() = Usd(cents);
    Publish(funded, contract_id);
  }

  // Ends the contract; `ended_seconds_ago` > 0 dates the end in the past.
  void Complete(const std::string& contract_id, const User& client, const User& freelancer,
                std::int64_t released, std::int64_t refunded = 0,
                std::int64_t ended_seconds_ago = 0) {
    escrow::v1::ContractCompleted completed;
    completed.set_contract_id(contract_id);
    completed.set_client_id(client.id);
    completed.set_freelancer_id(freelancer.id);
    *completed.mutable_released() = Usd(released);
    *completed.mutable_refunded() = Usd(refunded);
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    Publish(completed, contract_id, ended_seconds_ago > 0 ? now - ended_seconds_ago : 0);
  }

  // Created, funded, released and completed: a contract ready for reviews.
  std::string Finished(const User& client, const User& freelancer, std::int64_t cents = 100'000,
                       std::int64_t review_window_seconds = 0, std::int64_t ended_seconds_ago = 0) {
    const std::string id = Create(client, freelancer, cents, review_window_seconds);
    Fund(id, cents);
    Complete(id, client, freelancer, cents, 0, ended_seconds_ago);
    WaitEnded(id);
    return id;
  }

  // One value from the service's schema.
  template <typename T>
  T Query(const std::string& sql) {
    auto value = pg::InTransaction(
        pool_, [&](pqxx::work& tx) -> StatusOr<T> { return tx.exec1(sql)[0].template as<T>(); });
    REQUIRE(value.ok());
    return *value;
  }

  void WaitEnded(const std::string& contract_id) {
    REQUIRE(WaitFor([&] {
      return Query<bool>("SELECT count(*) = 1 FROM contracts WHERE id = '" + contract_id +
                         "' AND ended_at IS NOT NULL");
    }));
  }

  void WaitFunded(const std::string& contract_id) {
    REQUIRE(WaitFor([&] {
      return Query<bool>("SELECT count(*) = 1 FROM contracts WHERE id = '" + contract_id +
                         "' AND funded_minor > 0");
    }));
  }

  StatusOr<v1::WriteReviewResponse> Write(const User& author, const std::string& contract_id,
                                          int overall, const std::string& comment = "") {
    v1::WriteReviewRequest request;
    request.set_contract_id(contract_id);
    request.mutable_ratings()->set_overall(overall);
    request.set_comment(comment);
    return Client().WriteReview(request, As(author));
  }

  std::vector<v1::Review> Reviews(const User& caller, const User& subject) {
    v1::ListReviewsRequest request;
    request.set_user_id(subject.id);
    request.mutable_page()->set_page_size(100);
    auto listed = Client().ListReviews(request, As(caller));
    REQUIRE(listed.ok());
    return {listed->reviews().begin(), listed->reviews().end()};
  }

  v1::Score Score(const User& caller, const std::string& user_id) {
    v1::GetScoreRequest request;
    request.set_user_id(user_id);
    auto got = Client().GetScore(request, As(caller));
    INFO(got.status().ToString());
    REQUIRE(got.ok());
    return got->score();
  }

  v1::ExplainScoreResponse Explain(const User& caller, const std::string& user_id) {
    v1::ExplainScoreRequest request;
    request.set_user_id(user_id);
    auto got = Client().ExplainScore(request, As(caller));
    REQUIRE(got.ok());
    return *got;
  }

  pg::Pool& pool() { return pool_; }

 private:
  redis::Client events_;
  std::string group_;
  testing::StartedService started_;
  std::shared_ptr<http::Client> http_;
  pg::Pool pool_;
};

}  // namespace market::reputation::itest
