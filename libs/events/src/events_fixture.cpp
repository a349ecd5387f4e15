#include "events_fixture.hpp"

#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <google/protobuf/wrappers.pb.h>

#include "market/pg/migrations.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/redis.hpp"

namespace market::events::itest {
namespace {

using std::chrono::milliseconds;

const pg::MigrationSet& EffectsMigrations() {
  static const pg::MigrationSet kSet{"events_itest", {{1, "001_effects", R"(
    CREATE TABLE effects (
      id BIGSERIAL PRIMARY KEY,
      group_name TEXT NOT NULL,
      event_id TEXT NOT NULL,
      number INTEGER NOT NULL
    );
  )"}}};
  return kSet;
}

inline constexpr std::string_view kInsertEffect = R"(
  INSERT INTO effects (group_name, event_id, number) VALUES ($1, $2, $3)
)";

std::string RandomSuffix() {
  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_int_distribution<int> letter(0, 25);
  std::string suffix;
  for (int i = 0; i < 10; ++i) suffix += static_cast<char>('a' + letter(random));
  return suffix;
}

void Require(const Status& status, std::string_view what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + ": " + status.ToString());
}

redis::Options RedisOptions(milliseconds retry_after) {
  redis::Options options;
  options.port = market::testing::RedisPort();
  options.retry_after = retry_after;
  return options;
}

// Retries through a Redis restart; throws once it has failed for a few seconds.
redis::Reply Observe(redis::Client& observer, const std::vector<std::string>& command) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto reply = observer.Command(command);
  while (!reply.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
    reply = observer.Command(command);
  }
  Require(reply.status(), command.front());
  return *reply;
}

}  // namespace

Fixture::Fixture()
    : database(market::testing::CreateServiceDatabase("events")),
      pool(pg::PoolOptions{.dsn = database.dsn}),
      redis(RedisOptions(milliseconds(200))),
      observer(RedisOptions(milliseconds(0))),
      source("itest_" + RandomSuffix()),
      stream(StreamName(source)) {
  Observe(observer, {"PING"});  // after a restart Redis answers LOADING for a while
  Require(pg::ApplyMigrations(pool, database.schema, {&OutboxMigrations(), &EffectsMigrations()}),
          "migrations");
}

Fixture::~Fixture() {
  // Best effort: a stream left behind only costs memory in the test Redis.
  (void)observer.Command({"DEL", stream});
}

void Fixture::EnqueueNumbered(int first, int last, int per_transaction) {
  for (int start = first; start <= last; start += per_transaction) {
    const int end = std::min(last, start + per_transaction - 1);
    Require(pg::InTransaction(pool, pg::TxOptions{},
                              [&](pqxx::work& tx) -> Status {
                                for (int number = start; number <= end; ++number) {
                                  google::protobuf::StringValue payload;
                                  payload.set_value(std::to_string(number));
                                  MARKET_RETURN_IF_ERROR(Enqueue(
                                      tx, source, "order-" + std::to_string(number % 7), payload));
                                }
                                return OkStatus();
                              }),
            "enqueue");
  }
}

std::unique_ptr<OutboxRelay> Fixture::MakeRelay(std::size_t batch_size) {
  return std::make_unique<OutboxRelay>(
      pool, redis,
      RelayOptions{.source = source, .batch_size = batch_size, .poll_interval = milliseconds(20)});
}

std::size_t Fixture::PublishAll(OutboxRelay& relay) {
  std::size_t total = 0;
  while (true) {
    auto published = relay.PublishBatch();
    Require(published.status(), "publish");
    if (*published == 0) return total;
    total += *published;
  }
}

ConsumerOptions Fixture::ConsumerFor(std::string group, std::string consumer_name) const {
  return ConsumerOptions{.stream = stream,
                         .group = std::move(group),
                         .consumer_name = std::move(consumer_name),
                         .batch_size = 100,
                         .block = milliseconds(100),
                         .reclaim_idle = milliseconds(30000),
                         .retry_interval = milliseconds(50),
                         .max_attempts = 10};
}

EventHandler Fixture::RecordEffect(std::string group) const {
  return [group = std::move(group)](pqxx::work& tx, const v1::EventEnvelope& event) -> Status {
    tx.exec_params(std::string(kInsertEffect), group, event.event_id(), NumberOf(event));
    return OkStatus();
  };
}

bool Fixture::PollUntil(Consumer& consumer, const std::function<bool()>& done,
                        std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    auto settled = consumer.PollOnce();
    if (!settled.ok()) std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

long long Fixture::Scalar(std::string_view sql) {
  auto value = pg::InTransaction(pool, pg::TxOptions{}, [&](pqxx::work& tx) -> StatusOr<long long> {
    return tx.exec1(std::string(sql))[0].as<long long>();
  });
  Require(value.status(), "query");
  return *value;
}

long long Fixture::ScalarFor(std::string_view sql, std::string_view param) {
  auto value = pg::InTransaction(pool, pg::TxOptions{}, [&](pqxx::work& tx) -> StatusOr<long long> {
    return tx.exec_params1(std::string(sql), std::string(param))[0].as<long long>();
  });
  Require(value.status(), "query");
  return *value;
}

long long Fixture::Effects(std::string_view group) {
  return ScalarFor("SELECT count(*) FROM effects WHERE group_name = $1", group);
}

long long Fixture::DistinctEffects(std::string_view group) {
  return ScalarFor("SELECT count(DISTINCT event_id) FROM effects WHERE group_name = $1", group);
}

long long Fixture::Pending(std::string_view group) {
  const redis::Reply summary = Observe(observer, {"XPENDING", stream, std::string(group)});
  return summary.elements.empty() ? 0 : summary.elements[0].integer;
}

long long Fixture::StreamLength() { return Observe(observer, {"XLEN", stream}).integer; }

int NumberOf(const v1::EventEnvelope& event) {
  google::protobuf::StringValue payload;
  if (!event.payload().UnpackTo(&payload)) throw std::runtime_error("not a numbered event");
  return std::stoi(payload.value());
}

}  // namespace market::events::itest
