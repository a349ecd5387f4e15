// bid_bench: PlaceBid throughput of one bidding service, in-process, on the PostgreSQL and Redis
// that MARKET_TEST_* name (bid_bench.sh starts private ones and measures pgbench on the same
// PostgreSQL in the same run).
//
//   bid_bench JOBS CONNECTIONS SECONDS
//
// Posts JOBS open jobs through the job-event stream, as listings would, then runs CONNECTIONS
// callers for SECONDS, each placing bids back to back over Connect (binary protobuf, loopback,
// keep-alive). A caller bids as a new freelancer every min(JOBS, 10) bids, each on another job,
// so every call is a real placement that passes every rule: JOBS = 10 is the bid storm, where
// every call locks one of ten hot job rows. Any failed call fails the run. MARKET_BIDDING_PLACE_*
// in the environment reach the service. Prints one line:
//   placebid jobs=10 connections=16 seconds=5 bids=12345 failed=0 rps=2469 mean_batch=3.2
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "bidding_app.hpp"
#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "market/bidding/v1/bidding.connect.h"
#include "market/common/metrics.hpp"
#include "market/connect/client.hpp"
#include "market/events/v1/events.pb.h"
#include "market/http/client.hpp"
#include "market/listings/v1/listings.pb.h"
#include "market/redis/client.hpp"
#include "market/testing/redis.hpp"
#include "market/testing/service.hpp"
#include "market/testing/tokens.hpp"

namespace {

using namespace std::chrono_literals;
namespace bidding = market::bidding;
namespace lv1 = market::listings::v1;

std::string NewId(std::mt19937_64& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

std::string Bearer(const std::string& id, market::auth::Role role) {
  return market::testing::BearerFor({.subject = id,
                                     .roles = {role},
                                     .country = "DE",
                                     .expires_at = std::chrono::system_clock::now() + 1h});
}

market::bidding::v1::BidTerms Terms(std::int64_t amount) {
  market::bidding::v1::BidTerms terms;
  terms.mutable_fixed_price()->set_currency("EUR");
  terms.mutable_fixed_price()->set_minor_units(amount);
  terms.set_delivery_days(14);
  terms.set_cover_letter("Benchmark bid: two milestones, fixed price.");
  for (int part = 0; part < 2; ++part) {
    auto& milestone = *terms.add_milestones();
    milestone.set_title(part == 0 ? "First half" : "Second half");
    milestone.mutable_amount()->set_currency("EUR");
    milestone.mutable_amount()->set_minor_units(part == 0 ? amount / 2 : amount - amount / 2);
  }
  return terms;
}

// Publishes `count` open jobs and waits until bidding has all of them.
std::vector<std::string> PostJobs(int count, const std::string& stream,
                                  market::testing::StartedService& service,
                                  std::mt19937_64& random) {
  market::redis::Options options;
  options.port = market::testing::RedisPort(market::testing::RedisRole::kEvents);
  market::redis::Client redis(options);
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    lv1::JobPosted posted;
    lv1::Job& job = *posted.mutable_job();
    job.set_id(NewId(random));
    job.set_client_id(NewId(random));
    job.set_client_country("FR");
    job.set_title("Benchmark job");
    job.mutable_budget()->mutable_fixed_price()->set_currency("EUR");
    job.mutable_budget()->mutable_fixed_price()->set_minor_units(500000);
    job.set_expected_duration(lv1::JOB_DURATION_ONE_TO_FOUR_WEEKS);
    job.set_visibility(lv1::JOB_VISIBILITY_PUBLIC);
    job.mutable_bid_deadline()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() + 24h).time_since_epoch())
            .count());
    job.set_status(lv1::JOB_STATUS_OPEN);
    job.set_version(1);
    market::events::v1::EventEnvelope envelope;
    envelope.set_event_id("listings:bench-" + job.id());
    envelope.set_source("listings");
    envelope.set_type(posted.GetDescriptor()->full_name());
    envelope.set_aggregate_id(job.id());
    envelope.mutable_payload()->PackFrom(posted);
    if (!redis
             .Command({"XADD", stream, "*", "event_id", envelope.event_id(), "envelope",
                       envelope.SerializeAsString()})
             .ok()) {
      throw std::runtime_error("XADD failed");
    }
    ids.push_back(job.id());
  }
  pqxx::connection connection(service.database().dsn);
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < until) {
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(service.database().schema));
    if (tx.exec1("SELECT count(*) FROM jobs")[0].as<int>() == count) return ids;
    tx.commit();
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("bidding did not apply the job events in time");
}

// Bids per PlaceBid batch over the run, from the service's own histogram (same process).
double MeanBatch() {
  const auto batches =
      market::metrics::DefaultRegistry()
          .GetHistogram("market_bidding_place_batch_size", "Bids per PlaceBid batch.", {},
                        {1, 2, 4, 8, 16, 32, 64, 128, 256})
          .Take();
  const auto count = batches.cumulative.back();
  return count == 0 ? 0 : batches.sum / static_cast<double>(count);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bid_bench JOBS CONNECTIONS SECONDS\n";
    return 2;
  }
  const int job_count = std::atoi(argv[1]);
  const int connections = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  if (job_count < 1 || connections < 1 || seconds < 1) {
    std::cerr << "JOBS, CONNECTIONS and SECONDS must be positive\n";
    return 2;
  }
  std::mt19937_64 random{std::random_device{}()};
  const std::string stream = "bench.listings." + NewId(random);
  market::testing::EnvOverrides env{{"MARKET_BIDDING_LISTINGS_STREAM", stream},
                                    {"MARKET_RELAY_EVENTS", "false"},
                                    {"MARKET_LOG_LEVEL", "warn"},
                                    {"MARKET_BIDDING_MONTHLY_CREDITS", "100000"},
                                    {"MARKET_PG_POOL_SIZE", std::to_string(connections)},
                                    {"MARKET_WORKER_THREADS", std::to_string(connections)}};
  // PlaceBid's batch settings pass through, to compare them.
  for (const char* name : {"MARKET_BIDDING_PLACE_WRITERS", "MARKET_BIDDING_PLACE_BATCH"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  auto service = market::testing::StartService(bidding::kIdentity, market::migrations::bidding(),
                                               std::make_unique<bidding::BiddingApp>(), env);
  const std::vector<std::string> jobs = PostJobs(job_count, stream, service, random);
  const int bids_per_freelancer = std::min(job_count, 10);

  auto http = std::make_shared<market::http::Client>();
  std::atomic<bool> stop{false};
  std::atomic<long long> placed{0};
  std::atomic<long long> failed{0};
  std::vector<std::thread> callers;
  const auto started = std::chrono::steady_clock::now();
  for (int c = 0; c < connections; ++c) {
    callers.emplace_back([&, c] {
      std::mt19937_64 local{static_cast<std::uint64_t>(c) * 7919 + random()};
      bidding::v1::BiddingServiceClient client(
          market::connect::Client(http, service.endpoint(), market::connect::Codec::kProto));
      market::connect::CallOptions options;
      bidding::v1::PlaceBidRequest request;
      *request.mutable_terms() = Terms(100000 + c);
      for (long long i = 0; !stop; ++i) {
        if (i % bids_per_freelancer == 0) {
          options.authorization = Bearer(NewId(local), market::auth::Role::kFreelancer);
        }
        request.set_job_id(jobs[(c * 7 + i) % jobs.size()]);
        options.deadline = std::chrono::steady_clock::now() + 10s;
        auto response = client.PlaceBid(request, options);
        if (response.ok()) {
          ++placed;
        } else {
          if (++failed == 1) std::cerr << "PlaceBid failed: " << response.status() << "\n";
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& caller : callers) caller.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "placebid jobs=" << job_count << " connections=" << connections
            << " seconds=" << seconds << " bids=" << placed.load() << " failed=" << failed.load()
            << " rps=" << static_cast<long long>(placed.load() / elapsed)
            << " mean_batch=" << MeanBatch() << std::endl;
  return failed.load() == 0 ? 0 : 1;
}
