// Money movements per second through the escrow ledger code on a real PostgreSQL, for
// escrow_bench.sh, which runs pgbench's tpcb-like load on the same server in the same run.
//
//   escrow_ledger_bench ADMIN_DSN CLIENTS SECONDS MODE
//
// MODE:
//   movements         each client funds one of its contracts from a client wallet, then
//                     releases it to a freelancer with the platform fee: each movement is one
//                     transaction with its idempotency key, exactly as the service runs it
//                     (RunOnce + PostTransfer), durable commits.
//   fee-sharded       releases only, their fee legs on the sharded fee revenue accounts.
//   fee-single-row    the same with every fee leg on one account row, for comparison.
//
// Prints "<mode> <count> in <seconds> s: <rate>/s".
#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "escrow_migrations.hpp"
#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "market/events/outbox.hpp"
#include "market/pg/bootstrap.hpp"
#include "market/pg/conninfo.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/transaction.hpp"

namespace {

using market::escrow::AccountKey;
using market::escrow::AccountKind;

constexpr std::int64_t kAmount = 10000;
constexpr std::int64_t kFee = 1000;

std::string Id(std::mt19937_64& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

market::Status Move(market::pg::Pool& pool, const std::string& caller, const std::string& key,
                    const market::escrow::TransferSpec& spec) {
  market::escrow::v1::FundMilestoneRequest request;
  request.set_idempotency_key(key);
  request.mutable_milestone()->set_contract_id(spec.contract_id);
  request.mutable_milestone()->set_milestone_id(spec.kind);
  auto scope = market::escrow::ScopeOf(caller, spec.kind, request);
  if (!scope.ok()) return scope.status();
  market::escrow::v1::FundMilestoneResponse response;
  return market::escrow::RunOnce(pool, {}, *scope, response, [&](pqxx::work& tx) {
    return market::escrow::PostTransfer(tx, spec).status();
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: escrow_ledger_bench ADMIN_DSN CLIENTS SECONDS "
                 "movements|fee-sharded|fee-single-row\n";
    return 2;
  }
  const std::string admin_dsn = argv[1];
  const int clients = std::stoi(argv[2]);
  const int seconds = std::stoi(argv[3]);
  const std::string mode = argv[4];

  std::mt19937_64 random{std::random_device{}()};
  const std::string schema = "escrow_bench_" + std::to_string(random() % 1000000000);
  const std::string password = Id(random);
  if (auto status = market::pg::BootstrapServiceDatabase(admin_dsn, {schema, schema, password});
      !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  auto dsn = market::pg::OverrideConninfo(admin_dsn, {{"user", schema}, {"password", password}});
  market::pg::Pool pool({.dsn = *dsn, .max_connections = static_cast<std::size_t>(clients) + 1});
  if (auto status = market::pg::ApplyMigrations(
          pool, schema, {&market::events::OutboxMigrations(), &market::migrations::escrow()});
      !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }

  // Each client thread has its own payer with a large wallet, and its own contracts.
  std::vector<std::string> payers;
  for (int i = 0; i < clients; ++i) {
    payers.push_back(Id(random));
    const auto funded = Move(
        pool, payers.back(), "seed",
        {.kind = "top_up",
         .contract_id = "",
         .milestone_id = "",
         .legs = {{market::escrow::Platform(AccountKind::kFundingClearing, "USD", payers.back()),
                   -1'000'000'000'000},
                  {market::escrow::Wallet(payers.back(), "USD"), 1'000'000'000'000}}});
    if (!funded.ok()) {
      std::cerr << funded.ToString() << "\n";
      return 1;
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<long long> done{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 own(static_cast<unsigned long long>(t) + 1);
      const std::string& payer = payers[t];
      const std::string freelancer = Id(own);
      long long n = 0;
      while (!stop) {
        const std::string contract = Id(own);
        const AccountKey fee =
            mode == "fee-single-row"
                ? AccountKey{AccountKind::kFeeRevenue, "single", "USD"}
                : market::escrow::Platform(AccountKind::kFeeRevenue, "USD", contract);
        if (mode == "movements") {
          const auto status = Move(pool, payer, "fund-" + std::to_string(n),
                                   {.kind = "fund",
                                    .contract_id = contract,
                                    .milestone_id = "",
                                    .legs = {{market::escrow::Wallet(payer, "USD"), -kAmount},
                                             {market::escrow::Escrow(contract, "USD"), kAmount}}});
          status.ok() ? ++done : ++failed;
        }
        // In the fee modes the release's money comes straight from the payer's wallet, so the
        // fee account is the only row the clients share.
        const auto released =
            Move(pool, payer, "release-" + std::to_string(n),
                 {.kind = "release",
                  .contract_id = contract,
                  .milestone_id = "",
                  .legs = {{mode == "movements" ? market::escrow::Escrow(contract, "USD")
                                                : market::escrow::Wallet(payer, "USD"),
                            -kAmount},
                           {fee, kFee},
                           {market::escrow::Wallet(freelancer, "USD"), kAmount - kFee}}});
        released.ok() ? ++done : ++failed;
        ++n;
      }
    });
  }
  // Warm-up is excluded: count from the first second on.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long long start_count = done.load();
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const long long end_count = done.load();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  for (auto& thread : threads) thread.join();
  const long long counted = end_count - start_count;
  std::cout << mode << " " << counted << " in " << elapsed
            << " s: " << static_cast<long long>(counted / elapsed) << "/s (failed " << failed
            << ")\n";
  return failed > 0 ? 1 : 0;
}
