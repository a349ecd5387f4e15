// Scores against the real service: weights by value, job success from events, the explain
// call, the cache Redis down and back, ScoreUpdated, and a random stream recomputed from
// scratch.
#include "reputation_itest_support.hpp"

#include <pqxx/binarystring>

#include <atomic>
#include <cmath>
#include <map>
#include <random>

#include "score_cache.hpp"

namespace market::reputation::itest {
namespace {

double SumOf(const v1::ExplainScoreResponse& explained, v1::Direction direction) {
  double sum = 0;
  for (const auto& c : explained.contributions()) {
    if (c.direction() == direction) sum += c.contribution();
  }
  return sum;
}

std::map<std::string, std::int64_t> WeightsByContract(const v1::ExplainScoreResponse& explained) {
  std::map<std::string, std::int64_t> weights;
  for (const auto& c : explained.contributions()) {
    if (!c.contract_id().empty()) weights[c.contract_id()] = c.weight();
  }
  return weights;
}

// Waits until no score is due and the rescore task has had a step to publish the last ones.
void WaitScoresSettled(Reputation& service) {
  REQUIRE(WaitFor([&] {
    return service.Query<int>("SELECT count(*)::int FROM scores WHERE valid_until <= now()") == 0;
  }));
  std::this_thread::sleep_for(300ms);
}

v1::Score StoredScore(Reputation& service, const std::string& user_id) {
  auto bytes = pg::InTransaction(service.pool(), [&](pqxx::work& tx) -> StatusOr<std::string> {
    return pqxx::binarystring(
               tx.exec_params1("SELECT score FROM scores WHERE user_id = $1", user_id)[0])
        .str();
  });
  REQUIRE(bytes.ok());
  v1::Score score;
  REQUIRE(score.ParseFromString(*bytes));
  return score;
}

}  // namespace

TEST_CASE("reviews weigh by contract value in USD and explain sums to the score",
          "[reputation][scores]") {
  Reputation service;
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User viewer = NewUser(auth::Role::kClient);
  escrow::v1::FxRatesUpdated rates;
  auto& rate = *rates.add_rates();
  rate.set_base_currency("EUR");
  rate.set_quote_currency("USD");
  rate.set_rate("1.0842");
  rate.mutable_quoted_at()->set_seconds(1'700'000'000);
  service.Publish(rates, "fx");

  struct Case {
    std::int64_t minor;
    std::string currency;
    int overall;
    std::int64_t weight;
  };
  // Whole US dollars: USD 1000.00 weighs 1000, USD 3.00 3, EUR 1000.00 = USD 1084.20 1084.
  const std::vector<Case> cases = {
      {100'000, "USD", 5, 1000}, {300, "USD", 1, 3}, {100'000, "EUR", 4, 1084}};
  std::map<std::string, std::int64_t> expected;
  for (const Case& c : cases) {
    const User client = NewUser(auth::Role::kClient);
    const std::string id = service.Create(client, freelancer, c.minor, 0, c.currency);
    service.Fund(id, c.minor);
    service.Complete(id, client, freelancer, c.minor);
    service.WaitEnded(id);
    REQUIRE(service.Write(client, id, c.overall).ok());
    REQUIRE(service.Write(freelancer, id, 5).ok());
    expected[id] = c.weight;
  }
  const v1::ExplainScoreResponse explained = service.Explain(freelancer, freelancer.id);
  CHECK(WeightsByContract(explained) == expected);
  CHECK(explained.prior_weight() == 1000);
  const double rating = (1000 * 4.5 + 1000 * 5 + 3 * 1 + 1084 * 4) / 3087.0;
  CHECK(explained.score().rating() == Approx(rating).epsilon(1e-12));
  CHECK(std::abs(SumOf(explained, v1::DIRECTION_OF_FREELANCER) - explained.score().rating()) <
        1e-9);
  CHECK(std::abs(SumOf(explained, v1::DIRECTION_OF_CLIENT) - explained.score().client_rating()) <
        1e-9);
  WaitScoresSettled(service);
  CHECK(service.Score(viewer, freelancer.id).SerializeAsString() ==
        explained.score().SerializeAsString());
}

TEST_CASE("a score is explained to its user, operators and services only", "[reputation][scores]") {
  Reputation service;
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User other = NewUser(auth::Role::kClient);
  v1::ExplainScoreRequest request;
  request.set_user_id(freelancer.id);
  CHECK(service.Client().ExplainScore(request, Reputation::As(other)).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(service.Client().ExplainScore(request, Reputation::As(freelancer)).ok());
  CHECK(
      service.Client().ExplainScore(request, Reputation::As(NewUser(auth::Role::kOperator))).ok());
}

TEST_CASE("job success shows with enough contracts from distinct clients; a lost dispute is bad",
          "[reputation][scores]") {
  Reputation service;
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User viewer = NewUser(auth::Role::kClient);
  std::vector<User> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(NewUser(auth::Role::kClient));
  for (int i = 0; i < 4; ++i) service.Finished(clients[i % 3], freelancer);
  REQUIRE(
      WaitFor([&] { return service.Score(viewer, freelancer.id).job_success_contracts() == 4; }));
  CHECK_FALSE(service.Score(viewer, freelancer.id).job_success_shown());

  service.Finished(clients[0], freelancer);
  REQUIRE(
      WaitFor([&] { return service.Score(viewer, freelancer.id).job_success_contracts() == 5; }));
  v1::Score score = service.Score(viewer, freelancer.id);
  CHECK(score.job_success_shown());
  CHECK(score.job_success_percent() == 100);

  // Disputed, and the operator gave the client most of the held amount.
  const std::string disputed = service.Create(clients[1], freelancer, 100'000);
  service.Fund(disputed, 100'000);
  escrow::v1::DisputeResolved resolved;
  resolved.mutable_dispute()->set_contract_id(disputed);
  *resolved.mutable_dispute()->mutable_to_freelancer() = Usd(20'000);
  *resolved.mutable_dispute()->mutable_to_client() = Usd(80'000);
  service.Publish(resolved, disputed);
  service.Complete(disputed, clients[1], freelancer, 20'000, 80'000);
  REQUIRE(
      WaitFor([&] { return service.Score(viewer, freelancer.id).job_success_contracts() == 6; }));
  score = service.Score(viewer, freelancer.id);
  CHECK(score.job_success_percent() == 5 * 100 / 6);
  const auto explained = service.Explain(freelancer, freelancer.id);
  bool found = false;
  for (const auto& outcome : explained.outcomes()) {
    if (outcome.contract_id() == disputed) {
      found = true;
      CHECK(outcome.kind() == "bad");
      CHECK(outcome.reason() == "dispute lost");
    }
  }
  CHECK(found);
}

TEST_CASE("scores stay right from Postgres while the cache Redis is down",
          "[reputation][scores][redis]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Finished(client, freelancer);
  CHECK(service.Score(client, freelancer.id).review_count() == 0);  // now cached

  testing::StopRedis(testing::RedisRole::kCache);
  REQUIRE(service.Write(client, id, 2).ok());
  REQUIRE(service.Write(freelancer, id, 5).ok());
  const v1::Score while_down = service.Score(client, freelancer.id);
  CHECK(while_down.review_count() == 1);
  CHECK(while_down.rating() == Approx((1000 * 4.5 + 1000 * 2) / 2000.0));
  testing::StartRedis(testing::RedisRole::kCache);

  // The cache restarted empty (nothing on disk); the next read fills it with the same score.
  REQUIRE(WaitFor([&] {
    service.Score(client, freelancer.id);
    redis::Client cache(Reputation::RedisOptions(testing::RedisRole::kCache));
    const auto cached = cache.Command({"GET", ScoreCache::Key(freelancer.id)});
    return cached.ok() && !cached->is_nil();
  }));
  CHECK(service.Score(client, freelancer.id).SerializeAsString() == while_down.SerializeAsString());
}

TEST_CASE("a changed score goes out as ScoreUpdated through the outbox", "[reputation][scores]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Finished(client, freelancer);
  REQUIRE(service.Write(client, id, 5).ok());
  REQUIRE(service.Write(freelancer, id, 5).ok());
  auto payload = pg::InTransaction(service.pool(), [&](pqxx::work& tx) -> StatusOr<std::string> {
    return pqxx::binarystring(
               tx.exec_params1("SELECT payload FROM outbox WHERE aggregate_id = $1 AND "
                               "event_type = 'market.reputation.v1.ScoreUpdated' "
                               "ORDER BY id DESC LIMIT 1",
                               freelancer.id)[0])
        .str();
  });
  REQUIRE(payload.ok());
  v1::ScoreUpdated updated;
  REQUIRE(updated.ParseFromString(*payload));
  CHECK(updated.user_id() == freelancer.id);
  CHECK(updated.review_count() == 1);
  CHECK(updated.rating() == Approx((1000 * 4.5 + 1000 * 5) / 2000.0));
  CHECK(updated.version() == service.Query<std::int64_t>("SELECT version FROM scores WHERE "
                                                         "user_id = '" +
                                                         freelancer.id + "'"));
}

TEST_CASE(
    "after a random stream of contracts, disputes and reviews, scores recomputed from "
    "scratch equal the stored and cached ones",
    "[reputation][scores][property]") {
  Reputation service;
  std::mt19937_64 random(std::random_device{}());
  const auto seed = random();
  random.seed(seed);
  CAPTURE(seed);
  std::vector<User> clients;
  std::vector<User> freelancers;
  for (int i = 0; i < 4; ++i) clients.push_back(NewUser(auth::Role::kClient));
  for (int i = 0; i < 4; ++i) freelancers.push_back(NewUser(auth::Role::kFreelancer));
  auto pick = [&](auto& users) -> const User& { return users[random() % users.size()]; };

  struct Contract {
    std::string id;
    User client;
    User freelancer;
    bool ended = false;
  };
  std::vector<Contract> contracts;
  for (int i = 0; i < 30; ++i) {
    Contract c{"", pick(clients), pick(freelancers)};
    const std::int64_t value = 100 + static_cast<std::int64_t>(random() % 5'000'000);
    // Windows either long or already closed at the end, so the clock changes nothing mid-test.
    const bool closed = random() % 4 == 0;
    c.id = service.Create(c.client, c.freelancer, value, closed ? 60 : 86'400);
    const int path = static_cast<int>(random() % 5);
    if (path != 0) service.Fund(c.id, value);  // path 0: nothing ever funded
    std::int64_t released = path == 0 ? 0 : value;
    std::int64_t refunded = 0;
    if (path == 1) {  // refunded in full
      released = 0;
      refunded = value;
    } else if (path == 2) {  // a dispute lost by either side, or split evenly
      escrow::v1::DisputeResolved resolved;
      resolved.mutable_dispute()->set_contract_id(c.id);
      const std::int64_t to_freelancer = static_cast<std::int64_t>(random() % 3) * value / 2;
      *resolved.mutable_dispute()->mutable_to_freelancer() = Usd(to_freelancer);
      *resolved.mutable_dispute()->mutable_to_client() = Usd(value - to_freelancer);
      service.Publish(resolved, c.id);
      released = to_freelancer;
      refunded = value - to_freelancer;
    }
    c.ended = random() % 6 != 0;  // some never end
    if (c.ended)
      service.Complete(c.id, c.client, c.freelancer, released, refunded, closed ? 120 : 0);
    contracts.push_back(c);
  }
  for (const Contract& c : contracts) {
    if (c.ended) service.WaitEnded(c.id);
  }
  const User operator_user = NewUser(auth::Role::kOperator);
  int written = 0;
  for (const Contract& c : contracts) {
    for (const User* author : {&c.client, &c.freelancer}) {
      if (random() % 3 == 0) continue;
      const auto review = service.Write(*author, c.id, 1 + static_cast<int>(random() % 5));
      if (!review.ok()) continue;  // not eligible: the service said why; the data says the same
      ++written;
      if (random() % 8 == 0) {
        v1::HideReviewRequest hide;
        hide.set_review_id(review->review().id());
        hide.set_reason("random moderation");
        REQUIRE(service.Client().HideReview(hide, Reputation::As(operator_user)).ok());
      }
    }
  }
  CAPTURE(written);
  CHECK(written > 0);

  WaitScoresSettled(service);
  redis::Client cache(Reputation::RedisOptions(testing::RedisRole::kCache));
  std::vector<const User*> everyone;
  for (const User& user : clients) everyone.push_back(&user);
  for (const User& user : freelancers) everyone.push_back(&user);
  for (const User* user : everyone) {
    CAPTURE(user->id);
    const v1::Score scratch = service.Explain(operator_user, user->id).score();
    CHECK(StoredScore(service, user->id).SerializeAsString() == scratch.SerializeAsString());
    CHECK(service.Score(operator_user, user->id).SerializeAsString() ==
          scratch.SerializeAsString());
    const auto cached = cache.Command({"GET", ScoreCache::Key(user->id)});
    REQUIRE(cached.ok());
    REQUIRE_FALSE(cached->is_nil());
    const std::string text = cached->text;
    CHECK(text.substr(text.find(':') + 1) == scratch.SerializeAsString());
  }
  v1::BatchGetScoresRequest batch;
  for (const User* user : everyone) batch.add_user_ids(user->id);
  const auto scores = service.Client().BatchGetScores(batch, Reputation::As(operator_user));
  REQUIRE(scores.ok());
  REQUIRE(scores->scores_size() == static_cast<int>(everyone.size()));
  for (std::size_t i = 0; i < everyone.size(); ++i) {
    CHECK(scores->scores(static_cast<int>(i)).user_id() == everyone[i]->id);
  }
}

TEST_CASE("refreshed priors are the platform means and every score follows them",
          "[reputation][scores]") {
  Reputation service;
  const User viewer = NewUser(auth::Role::kClient);
  std::vector<User> freelancers;
  for (const int overall : {1, 2}) {
    const User client = NewUser(auth::Role::kClient);
    freelancers.push_back(NewUser(auth::Role::kFreelancer));
    const std::string id = service.Finished(client, freelancers.back());
    REQUIRE(service.Write(client, id, overall).ok());
    REQUIRE(service.Write(freelancers.back(), id, 5).ok());
  }
  CHECK(service.Score(viewer, freelancers[0].id).rating() == (1000 * 4.5 + 1000 * 1) / 2000.0);

  const auto changed = pg::InTransaction(
      service.pool(), [](pqxx::work& tx) -> StatusOr<int> { return RefreshPriors(tx); });
  REQUIRE(changed.ok());
  CHECK(*changed == 2);
  CHECK(service.Query<int>("SELECT mean_milli FROM priors WHERE direction = 'of_freelancer'") ==
        1500);
  CHECK(service.Query<int>("SELECT mean_milli FROM priors WHERE direction = 'of_client'") == 5000);
  const double expected = (1000 * 1.5 + 1000 * 1) / 2000.0;
  CHECK(WaitFor([&] { return service.Score(viewer, freelancers[0].id).rating() == expected; }));
  CHECK(service.Explain(freelancers[0], freelancers[0].id).prior_mean() == 1.5);
  const auto again = pg::InTransaction(
      service.pool(), [](pqxx::work& tx) -> StatusOr<int> { return RefreshPriors(tx); });
  REQUIRE(again.ok());
  CHECK(*again == 0);
}

TEST_CASE("the priors refresh is due a day after the last one and claimed by one instance",
          "[reputation][scores]") {
  Reputation service;
  const auto claim = [&](std::chrono::milliseconds age) {
    const auto claimed = pg::InTransaction(service.pool(), [&](pqxx::work& tx) -> StatusOr<bool> {
      return ClaimPriorRefresh(tx, age);
    });
    REQUIRE(claimed.ok());
    return *claimed;
  };
  // Seeded by the migration just now: a start is not a reason to move every score.
  CHECK_FALSE(claim(24h));
  CHECK(service.Query<int>("SELECT count(*)::int FROM priors WHERE computed_at > now() - "
                           "interval '1 minute'") == 2);

  service.Query<int>(
      "WITH aged AS (UPDATE priors SET computed_at = now() - interval '25 hours' "
      "RETURNING 1) SELECT count(*)::int FROM aged");
  // Two instances at once: the second waits on the first's row locks, then finds them fresh.
  // Catch's assertions are not thread-safe: the thread only counts, the test thread checks.
  std::atomic<int> claims{0};
  std::thread first([&] {
    const auto held = pg::InTransaction(service.pool(), [&](pqxx::work& tx) -> StatusOr<bool> {
      const bool claimed = ClaimPriorRefresh(tx, 24h);
      std::this_thread::sleep_for(300ms);
      return claimed;
    });
    if (held.ok() && *held) ++claims;
  });
  std::this_thread::sleep_for(100ms);
  if (claim(24h)) ++claims;
  first.join();
  CHECK(claims == 1);
  CHECK_FALSE(claim(24h));
}

TEST_CASE("BatchGetScores takes 1 to 100 distinct account ids", "[reputation][scores]") {
  Reputation service;
  const User viewer = NewUser(auth::Role::kClient);
  v1::BatchGetScoresRequest request;
  auto code = [&] {
    return service.Client().BatchGetScores(request, Reputation::As(viewer)).status().code();
  };
  CHECK(code() == StatusCode::kInvalidArgument);
  for (int i = 0; i < 100; ++i) request.add_user_ids(NewId());
  CHECK(code() == StatusCode::kOk);
  request.add_user_ids(NewId());
  CHECK(code() == StatusCode::kInvalidArgument);
  request.clear_user_ids();
  const std::string id = NewId();
  request.add_user_ids(id);
  request.add_user_ids(id);
  const auto twice = service.Client().BatchGetScores(request, Reputation::As(viewer));
  CHECK(twice.status().code() == StatusCode::kInvalidArgument);
  CHECK(std::string(twice.status().message()) == "user_ids[1]: listed twice; ids must be distinct");
}

}  // namespace market::reputation::itest

namespace market::reputation::itest {

// Not a rule but a figure: GetScore's latency from the cache, and from Postgres with the cache
// Redis stopped. Hidden; run by hand: reputation_scores_itest "[.bench]".
TEST_CASE("GetScore latency from the cache and from Postgres", "[reputation][.bench]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Finished(client, freelancer);
  REQUIRE(service.Write(client, id, 4).ok());
  REQUIRE(service.Write(freelancer, id, 5).ok());
  constexpr int kCalls = 300;
  auto measure = [&] {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) service.Score(client, freelancer.id);
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start)
               .count() /
           kCalls;
  };
  service.Score(client, freelancer.id);
  const auto cached_us = measure();
  testing::StopRedis(testing::RedisRole::kCache);
  const auto postgres_us = measure();
  testing::StartRedis(testing::RedisRole::kCache);
  WARN("GetScore mean over " << kCalls << " sequential calls: cache " << cached_us
                             << " us, cache Redis down " << postgres_us << " us");
  CHECK(cached_us > 0);
}

}  // namespace market::reputation::itest
