// The host drives the service it owns: its settings before anything starts, its methods and
// background work while serving, its Stop() after the drain; its event consumers see the
// outbox's events; and nothing it registered outlives it.
#include <google/protobuf/wrappers.pb.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.connect.h"
#include "market/common/metrics.hpp"
#include "market/connect/client.hpp"
#include "market/events/outbox.hpp"
#include "market/http/client.hpp"
#include "market/pg/transaction.hpp"
#include "market/runtime/service.hpp"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"

namespace market {
namespace {

using namespace std::chrono_literals;

// Its own name, so its schema, role and event stream are nobody else's.
constexpr runtime::ServiceIdentity kHostCheck{
    .name = "hostcheck", .full_service_name = "market.hostcheck.v1.HostCheck", .default_port = 0};

pg::MigrationSet NoMigrations() { return {.component = "hostcheck", .migrations = {}}; }

template <typename Predicate>
bool Eventually(Predicate done) {
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::string RandomId() {
  static std::mt19937_64 random{std::random_device{}()};
  return "agg-" + std::to_string(random());
}

// Records what the host asks of it, in order, into state the test keeps after the host is gone.
struct Journal {
  std::mutex mutex;
  std::vector<std::string> calls;
  std::string greeting;
  std::atomic<int> timer_steps{0};
  std::atomic<int> events_seen{0};
  pg::Pool* pool = nullptr;

  void Note(std::string call) {
    std::lock_guard lock(mutex);
    calls.push_back(std::move(call));
  }
  std::vector<std::string> Calls() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

class RecordingService final : public runtime::Service {
 public:
  RecordingService(std::shared_ptr<Journal> journal, std::string aggregate_id,
                   bool fail_start = false)
      : journal_(std::move(journal)),
        aggregate_id_(std::move(aggregate_id)),
        fail_start_(fail_start) {}
  ~RecordingService() override { journal_->Note("destroyed"); }

  Status Configure(config::Env& env) override {
    journal_->greeting = env.String("MARKET_HOSTCHECK_GREETING", "hello");
    journal_->Note("configure");
    return OkStatus();
  }

  Status Start(runtime::ServiceParts& parts, connect::Router&) override {
    journal_->Note("start");
    if (fail_start_) return FailedPreconditionError("hostcheck: refusing to start");
    journal_->pool = &parts.pg;
    parts.background.Add({.name = "hostcheck-timer", .interval = 10ms}, [journal = journal_] {
      ++journal->timer_steps;
      return PeriodicTask::Outcome::kIdle;
    });
    // No consumer_name: the host fills in its instance name.
    parts.background.AddConsumer({.stream = events::StreamName(kHostCheck.name),
                                  .group = "hostcheck-" + aggregate_id_,
                                  .consumer_name = {},
                                  .block = 100ms},
                                 [journal = journal_, aggregate = aggregate_id_](
                                     pqxx::work&, const events::v1::EventEnvelope& event) {
                                   if (event.aggregate_id() == aggregate) ++journal->events_seen;
                                   return OkStatus();
                                 });
    return OkStatus();
  }

  void InstallServerHooks(connect::Server&) override { journal_->Note("hooks"); }
  void Stop() override { journal_->Note("stop"); }

 private:
  std::shared_ptr<Journal> journal_;
  std::string aggregate_id_;
  bool fail_start_;
};

TEST_CASE("the host configures, starts, serves and stops the service it owns", "[host]") {
  auto journal = std::make_shared<Journal>();
  const std::string aggregate = RandomId();
  {
    auto started = testing::StartService(kHostCheck, NoMigrations(),
                                         std::make_unique<RecordingService>(journal, aggregate),
                                         {{"MARKET_HOSTCHECK_GREETING", "bonjour"}});
    CHECK(journal->greeting == "bonjour");
    CHECK(journal->Calls() == std::vector<std::string>{"configure", "start", "hooks"});

    // Timers run once the server listens.
    CHECK(Eventually([&] { return journal->timer_steps >= 3; }));

    // An event written to the outbox reaches the service's consumer through the host's relay.
    REQUIRE(journal->pool != nullptr);
    const Status enqueued = pg::InTransaction(*journal->pool, {}, [&](pqxx::work& tx) {
      google::protobuf::StringValue payload;
      payload.set_value("ping");
      return events::Enqueue(tx, kHostCheck.name, aggregate, payload);
    });
    REQUIRE(enqueued.ok());
    CHECK(Eventually([&] { return journal->events_seen == 1; }));

    started.host().Shutdown();
    const int steps_at_stop = journal->timer_steps;
    std::this_thread::sleep_for(50ms);
    CHECK(journal->timer_steps == steps_at_stop);
    CHECK(journal->Calls() == std::vector<std::string>{"configure", "start", "hooks", "stop"});
  }
  // Destroyed with its host, after Stop().
  CHECK(journal->Calls().back() == "destroyed");
}

TEST_CASE("a service that cannot start leaves nothing serving", "[host]") {
  auto journal = std::make_shared<Journal>();
  CHECK_THROWS_WITH(testing::StartService(kHostCheck, NoMigrations(),
                                          std::make_unique<RecordingService>(journal, RandomId(),
                                                                             /*fail_start=*/true)),
                    Catch::Contains("hostcheck: refusing to start"));
  // Start failed, so Stop() is not called; the service was still destroyed.
  CHECK(journal->Calls() == std::vector<std::string>{"configure", "start", "destroyed"});
}

TEST_CASE("a host's metrics collector goes with the host", "[host]") {
  auto& registry = metrics::DefaultRegistry();
  auto& in_use_max = registry.GetGauge("market_pg_pool_connections",
                                       "PostgreSQL pool connections by state", {{"state", "max"}});
  {
    auto started =
        testing::StartService(kHostCheck, NoMigrations(), std::make_unique<runtime::BareService>(),
                              {{"MARKET_PG_POOL_SIZE", "7"}});
    registry.RenderText();
    CHECK(in_use_max.Value() == 7);
  }
  // The host is gone: rendering must not run its collector (which would read a dead pool).
  in_use_max.Set(-1);
  registry.RenderText();
  CHECK(in_use_max.Value() == -1);
}

double DependencyUp(const std::string& dependency) {
  auto& registry = metrics::DefaultRegistry();
  registry.RenderText();
  return registry
      .GetGauge("market_dependency_up", "Whether the last background check reached it",
                {{"dependency", dependency}})
      .Value();
}

bool Serving(const testing::StartedService& service) {
  grpc::health::v1::HealthClient client(
      connect::Client(std::make_shared<http::Client>(), service.endpoint()));
  connect::CallOptions options;
  options.deadline = std::chrono::steady_clock::now() + 5s;
  auto reply = client.Check({}, options);
  REQUIRE(reply.ok());
  return reply->status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

TEST_CASE("health follows the background check; Redis down is reported, not fatal", "[host]") {
  auto started =
      testing::StartService(kHostCheck, NoMigrations(), std::make_unique<runtime::BareService>(),
                            {{"MARKET_READINESS_INTERVAL_MS", "50"}});
  CHECK(Serving(started));
  CHECK(DependencyUp("postgres") == 1);
  CHECK(Eventually([] { return DependencyUp("redis") == 1; }));

  testing::StopRedis();
  CHECK(Eventually([] { return DependencyUp("redis") == 0; }));
  CHECK(Serving(started));
  testing::StartRedis();
  CHECK(Eventually([] { return DependencyUp("redis") == 1; }));
}

}  // namespace
}  // namespace market
