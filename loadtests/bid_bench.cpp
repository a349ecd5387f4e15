// bid_bench: PlaceBid throughput of one bidding service, in-process, on the PostgreSQL and Redis
// that MARKET_TEST_* name (bid_bench.sh starts private ones and measures pgbench on the same
// PostgreSQL in the same run).
//
//   bid_bench JOBS CONNECTIONS SECONDS
//
// Posts JOBS open jobs through the job-event stream, as listings would, then has wrk (one thread,
// CONNECTIONS keep-alive connections, as pgbench -j 1 runs beside it) place bids back to back for
// SECONDS over Connect (binary protobuf, loopback). Each freelancer bids on min(JOBS, 10)
// distinct jobs, then the next one takes over, so every call is a real placement that passes
// every rule: JOBS = 10 is the bid storm, where every call locks one of ten hot job rows. Any
// call not answered 200, or a success without its stored bid, fails the run.
// MARKET_BIDDING_PLACE_* in the environment reach the service. Prints one line:
//   placebid jobs=10 connections=16 seconds=5 bids=12345 failed=0 rps=2469 mean_batch=3.2
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "bid_placer.hpp"
#include "bidding_app.hpp"
#include "bidding_identity.hpp"
#include "bidding_migrations.hpp"
#include "market/bidding/v1/bidding.connect.h"
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

// A history, as a marketplace has: 100,000 jobs that no longer take bids, copies of `job_id`.
// PostgreSQL plans by table sizes: on a table of 10 or 1,000 jobs it reads every row to lock a
// few, where a table in use gets index probes.
void AddClosedJobs(market::testing::StartedService& service, const std::string& job_id) {
  pqxx::connection connection(service.database().dsn);
  {
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(service.database().schema));
    tx.exec_params(
        "INSERT INTO jobs SELECT (jsonb_populate_record(NULL::jobs, to_jsonb(j) || "
        "jsonb_build_object('id', gen_random_uuid(), 'status', 'closed'))).* "
        "FROM jobs j CROSS JOIN generate_series(1, 100000) WHERE j.id = $1",
        job_id);
    tx.commit();
  }
  pqxx::nontransaction analyze(connection);
  analyze.exec("SET search_path TO " + analyze.quote_name(service.database().schema));
  analyze.exec("ANALYZE jobs");
}

// A Lua string literal holding `bytes` exactly (decimal escapes: protobuf is binary).
std::string LuaString(const std::string& bytes) {
  std::string literal = "\"";
  for (const unsigned char byte : bytes) literal += "\\" + std::to_string(byte);
  return literal + "\"";
}

// Consecutive calls come from different freelancers, as from different people (PlaceBid never
// batches two bids of one freelancer): calls go round a group of this many freelancers.
constexpr int kFreelancersAtOnce = 64;

// The wrk script: the n-th call (counted in wrk's one thread, across its connections) is the
// bid of freelancer n mod 64 of the current group on its next job; after `per` rounds the next
// group of 64 takes over. A freelancer's bids go to (freelancer * 7 + its bid number) mod JOBS,
// `per` distinct jobs. Binary protobuf bodies and signed tokens are made here. Returns its path.
std::string WrkScript(const std::vector<std::string>& jobs, int freelancers, int per,
                      std::mt19937_64& random) {
  const std::string path = "/tmp/bid_bench_" + NewId(random) + ".lua";
  std::ofstream lua(path);
  lua << "local bodies = {\n";
  for (const std::string& job : jobs) {
    bidding::v1::PlaceBidRequest request;
    request.set_job_id(job);
    *request.mutable_terms() = Terms(100000);
    lua << LuaString(request.SerializeAsString()) << ",\n";
  }
  lua << "}\nlocal tokens = {\n";
  for (int f = 0; f < freelancers; ++f) {
    lua << "\"" << Bearer(NewId(random), market::auth::Role::kFreelancer) << "\",\n";
  }
  lua << "}\n"
      << "local per = " << per << "\n"
      << "local calls = 0\n"
      << "wrk.method = \"POST\"\n"
      << "wrk.headers[\"Content-Type\"] = \"application/proto\"\n"
      << "local group = " << kFreelancersAtOnce << "\n"
      << "request = function()\n"
      << "  local round = math.floor(calls / group)\n"
      << "  local freelancer = calls % group + group * math.floor(round / per)\n"
      << "  local job = (freelancer * 7 + round % per) % #bodies\n"
      << "  calls = calls + 1\n"
      << "  wrk.headers[\"Authorization\"] = tokens[freelancer % #tokens + 1]\n"
      << "  return wrk.format(nil, nil, nil, bodies[job + 1])\n"
      << "end\n";
  if (!lua) throw std::runtime_error("cannot write " + path);
  return path;
}

struct WrkResult {
  double rps = 0;
  long long succeeded = 0;
  long long failed = 0;
};

// One wrk thread with CONNECTIONS keep-alive connections, like pgbench -j 1 beside it.
WrkResult RunWrk(const std::string& script, const market::http::Endpoint& endpoint, int connections,
                 int seconds) {
  const std::string command = "wrk -t1 -c" + std::to_string(connections) + " -d" +
                              std::to_string(seconds) + "s -s " + script + " http://" +
                              endpoint.host + ":" + std::to_string(endpoint.port) +
                              "/market.bidding.v1.BiddingService/PlaceBid 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run wrk");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) output += buffer;
  WrkResult result;
  long long requests = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Requests/sec:") words >> result.rps;
    if (line.find("requests in") != std::string::npos) std::istringstream(line) >> requests;
    if (first == "Non-2xx") {
      const auto colon = line.rfind(':');
      result.failed += std::atoll(line.c_str() + colon + 1);
    }
    if (first == "Socket") result.failed += 1;  // connect, read, write or timeout errors
  }
  if (requests == 0) throw std::runtime_error("wrk reported nothing:\n" + output);
  result.succeeded = requests - result.failed;
  return result;
}

long long BidCount(market::testing::StartedService& service) {
  pqxx::connection connection(service.database().dsn);
  pqxx::work tx(connection);
  tx.exec("SET search_path TO " + tx.quote_name(service.database().schema));
  return tx.exec1("SELECT count(*) FROM bids")[0].as<long long>();
}

// Bids per PlaceBid batch over the run, from the service's own histogram (same process).
double MeanBatch() {
  const auto batches = bidding::PlacementBatchSizes().Take();
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
  AddClosedJobs(service, jobs.front());

  // Every call must be a placement that passes every rule, so no freelancer may bid twice on a
  // job: a freelancer bids on min(JOBS, 10) distinct jobs and the next call is a new freelancer.
  // Enough tokens for more calls than this machine can place in the run.
  const int bids_per_freelancer = std::min(job_count, 10);
  const int freelancers = 8000 * seconds / bids_per_freelancer + 2 * kFreelancersAtOnce;
  const std::string script = WrkScript(jobs, freelancers, bids_per_freelancer, random);
  const WrkResult result = RunWrk(script, service.endpoint(), connections, seconds);
  std::remove(script.c_str());
  const long long stored = BidCount(service);
  // wrk stops counting at the end of the run; the bids of calls still open then may land too.
  const bool all_placed = result.failed == 0 && stored >= result.succeeded;
  if (!all_placed) {
    std::cerr << "PlaceBid failed: " << result.failed << " calls were not answered 200; " << stored
              << " bids stored for " << result.succeeded << " successes\n";
  }
  std::cout << "placebid jobs=" << job_count << " connections=" << connections
            << " seconds=" << seconds << " bids=" << result.succeeded << " failed=" << result.failed
            << " rps=" << static_cast<long long>(result.rps) << " mean_batch=" << MeanBatch()
            << std::endl;
  return all_placed ? 0 : 1;
}
