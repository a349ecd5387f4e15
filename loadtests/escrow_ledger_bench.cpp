// Money movements per second through the escrow ledger code on a real PostgreSQL, for
// escrow_bench.sh, which runs pgbench's tpcb-like load on the same server in the same run.
//
//   escrow_ledger_bench ADMIN_DSN CLIENTS SECONDS MODE
//
// MODE:
//   movements         each client funds one of its contracts from a client wallet, then
//                     releases it to a freelancer with the platform fee, each movement with its
//                     idempotency key, through the MovementBatcher as the service runs them
//                     (concurrent movements share a transaction), durable commits.
//   movements-alone   the same, one transaction per movement (RunOnce + PostTransfer), as the
//                     service ran them before the batches, for comparison.
//   milestones        the same money through the service's own handlers, in process (no HTTP):
//                     CreateContract (20 milestones), then for each milestone FundMilestone,
//                     SubmitMilestone and ApproveMilestone. Counted: the two movements (fund,
//                     approve); the contract and the submission are not money, but their
//                     transactions are in the time.
//   fee-sharded       releases only, their fee legs on the sharded fee revenue accounts.
//   fee-single-row    the same with every fee leg on one account row, for comparison.
//
// Prints "<mode> <count> in <seconds> s: <rate>/s".
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "escrow_migrations.hpp"
#include "escrow_service.hpp"
#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "market/events/outbox.hpp"
#include "market/pg/bootstrap.hpp"
#include "market/pg/conninfo.hpp"
#include "market/pg/migrations.hpp"
#include "market/pg/transaction.hpp"
#include "movement_batch.hpp"
#include "payment_provider.hpp"
#include "payout_provider.hpp"
#include "payouts.hpp"

namespace {

using market::escrow::AccountKey;
using market::escrow::AccountKind;

constexpr std::int64_t kAmount = 10000;

// 100,000 wallets each topped up once (200,000 legs) with 100,000 answered idempotency keys, and
// 10,000 completed contracts of 10 milestones each: so that the planner sees tables the size of
// a ledger in use (a plan made for a near-empty table scans it, and is kept while it grows).
constexpr std::string_view kHistory = R"(
  INSERT INTO accounts (kind, owner, currency, balance)
  SELECT 'wallet', 'history-' || g, 'USD', 100 FROM generate_series(1, 100000) AS g;
  INSERT INTO accounts (kind, owner, currency, balance)
  VALUES ('funding_clearing', 'history', 'USD', -10000000);
  INSERT INTO transfers (id, kind) SELECT g, 'top_up' FROM generate_series(1, 100000) AS g;
  SELECT setval('transfers_id_seq', 100000);
  INSERT INTO legs (transfer_id, account_id, currency, amount)
  SELECT t.id, x.account, 'USD', x.amount
  FROM transfers t
  JOIN accounts a ON a.kind = 'wallet' AND a.owner = 'history-' || t.id
  CROSS JOIN (SELECT id FROM accounts WHERE kind = 'funding_clearing' AND owner = 'history') f
  CROSS JOIN LATERAL (VALUES (a.id, 100::bigint), (f.id, -100::bigint)) AS x(account, amount);
  INSERT INTO idempotency_keys (caller, method, key, request_hash, response)
  SELECT 'history-' || g, 'TopUpWallet', 'top-up-1', md5(g::text), ''
  FROM generate_series(1, 100000) AS g;
  INSERT INTO contracts (source, source_id, title, client_id, client_country, freelancer_id,
                         freelancer_country, currency, payout_currency, fx_rate, fx_quoted_at,
                         freelancer_fee_bps, review_window_seconds,
                         dispute_response_window_seconds, state)
  SELECT 'accepted_bid', 'history-' || g, 'Past contract ' || g, gen_random_uuid(), 'DE',
         gen_random_uuid(), 'AR', 'USD', 'USD', 1, now(), 1000, 1209600, 604800, 'completed'
  FROM generate_series(1, 10000) AS g;
  INSERT INTO milestones (contract_id, position, title, amount, state, released)
  SELECT c.id, p, 'Milestone ' || p, 10000, 'released', 10000
  FROM contracts c CROSS JOIN generate_series(1, 10) AS p;)";
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

// One movement under its idempotency key: through `batcher` when given, else alone.
market::Status Move(market::pg::Pool& pool, market::escrow::MovementBatcher* batcher,
                    const std::string& caller, const std::string& key,
                    const market::escrow::TransferSpec& spec) {
  market::escrow::v1::FundMilestoneRequest request;
  request.set_idempotency_key(key);
  request.mutable_milestone()->set_contract_id(spec.contract_id);
  request.mutable_milestone()->set_milestone_id(spec.kind);
  auto scope = market::escrow::ScopeOf(caller, spec.kind, request);
  if (!scope.ok()) return scope.status();
  market::escrow::v1::FundMilestoneResponse response;
  if (batcher == nullptr) {
    return market::escrow::RunOnce(pool, {}, *scope, response, [&](pqxx::work& tx) {
      return market::escrow::PostTransfer(tx, spec).status();
    });
  }
  return batcher->Run(
      {.scope = std::move(*scope),
       .response = &response,
       .lock_key = spec.contract_id.empty() ? caller : spec.contract_id,
       .contract_id = {},
       .only_milestone_id = {},
       .prepare =
           [&](market::escrow::MovementInput&) -> market::StatusOr<market::escrow::MovementPlan> {
         return market::escrow::MovementPlan{.transfers = {spec}, .refusal = {}, .finish = {}};
       }});
}

// A call's context as the service sees it once the token is checked.
market::connect::CallContext As(const std::string& subject, market::auth::Role role) {
  market::connect::CallContext ctx;
  ctx.caller = market::auth::Principal{.subject = subject, .roles = {role}};
  return ctx;
}

// One client's loop through the service's handlers: a contract of 20 milestones at a time, each
// funded, submitted and approved. Adds each fund and approval to `done`, anything else to
// `failed`.
void RunMilestones(market::escrow::EscrowService& service, const std::string& payer,
                   const std::string& freelancer, std::mt19937_64& random,
                   const std::atomic<bool>& stop, std::atomic<long long>& done,
                   std::atomic<long long>& failed) {
  namespace v1 = market::escrow::v1;
  using market::auth::Role;
  const auto client = As(payer, Role::kClient);
  const auto seller = As(freelancer, Role::kFreelancer);
  const auto platform = As("bidding", Role::kService);
  while (!stop) {
    v1::CreateContractRequest terms;
    terms.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
    terms.set_source_id(Id(random));
    terms.set_title("Benchmark contract");
    terms.set_client_id(payer);
    terms.set_client_country("DE");
    terms.set_freelancer_id(freelancer);
    terms.set_freelancer_country("AR");
    terms.set_payout_currency("USD");
    for (int m = 0; m < 20; ++m) {
      v1::MilestoneTerms& milestone = *terms.add_milestones();
      milestone.set_title("Milestone " + std::to_string(m + 1));
      milestone.mutable_amount()->set_currency("USD");
      milestone.mutable_amount()->set_minor_units(kAmount);
    }
    v1::CreateContractResponse created;
    if (!service.CreateContract(platform, terms, created).ok()) {
      ++failed;
      continue;
    }
    for (const auto& milestone : created.contract().milestones()) {
      if (stop) return;
      v1::MilestoneRef ref;
      ref.set_contract_id(created.contract().id());
      ref.set_milestone_id(milestone.id());
      v1::FundMilestoneRequest fund;
      fund.set_idempotency_key("fund-" + milestone.id());
      *fund.mutable_milestone() = ref;
      v1::FundMilestoneResponse funded;
      service.FundMilestone(client, fund, funded).ok() ? ++done : ++failed;
      v1::SubmitMilestoneRequest submit;
      submit.set_idempotency_key("submit-" + milestone.id());
      *submit.mutable_milestone() = ref;
      v1::SubmitMilestoneResponse submitted;
      if (!service.SubmitMilestone(seller, submit, submitted).ok()) ++failed;
      v1::ApproveMilestoneRequest approve;
      approve.set_idempotency_key("approve-" + milestone.id());
      *approve.mutable_milestone() = ref;
      v1::ApproveMilestoneResponse approved;
      service.ApproveMilestone(client, approve, approved).ok() ? ++done : ++failed;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: escrow_ledger_bench ADMIN_DSN CLIENTS SECONDS "
                 "movements|movements-alone|milestones|fee-sharded|fee-single-row\n";
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
  // Writers and batch size as the service's settings (escrow_app.cpp), from the same variables.
  const auto setting = [](const char* name, std::size_t fallback) {
    const char* value = std::getenv(name);
    return value == nullptr ? fallback : static_cast<std::size_t>(std::stoul(value));
  };
  market::escrow::MovementBatcher batched(
      pool.options(), {.max_batch = setting("MARKET_ESCROW_MOVE_BATCH", 32),
                       .max_writers = setting("MARKET_ESCROW_MOVE_WRITERS", 2)});
  market::escrow::MovementBatcher* const batcher = mode == "movements-alone" ? nullptr : &batched;
  const bool movements = mode == "movements" || mode == "movements-alone";
  market::escrow::SandboxPaymentProvider payments;
  market::escrow::SandboxPayoutProvider payout_provider;
  market::escrow::PayoutSender payouts(pool, payout_provider);
  market::escrow::EscrowService service(pool, payments, payouts, {},
                                        {.max_batch = setting("MARKET_ESCROW_MOVE_BATCH", 32),
                                         .max_writers = setting("MARKET_ESCROW_MOVE_WRITERS", 2)});
  if (auto status = market::pg::ApplyMigrations(
          pool, schema, {&market::events::OutboxMigrations(), &market::migrations::escrow()});
      !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }

  // A ledger with a history, as a service has after some months: PostgreSQL plans (and caches
  // plans) by table sizes, and on near-empty tables it would pick scans no busy ledger gets.
  if (auto status = market::pg::InTransaction(pool, {},
                                              [](pqxx::work& tx) {
                                                tx.exec(std::string(kHistory));
                                                return market::OkStatus();
                                              });
      !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  if (auto status = market::pg::InTransaction(
          pool, {},
          [](pqxx::work& tx) {
            tx.exec(
                "ANALYZE accounts; ANALYZE transfers; ANALYZE legs; ANALYZE idempotency_keys; "
                "ANALYZE contracts; ANALYZE milestones");
            return market::OkStatus();
          });
      !status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }

  // Each client thread has its own payer with a large wallet, and its own contracts.
  std::vector<std::string> payers;
  for (int i = 0; i < clients; ++i) {
    payers.push_back(Id(random));
    const auto funded = Move(
        pool, nullptr, payers.back(), "seed",
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
      if (mode == "milestones") {
        RunMilestones(service, payer, freelancer, own, stop, done, failed);
        return;
      }
      while (!stop) {
        const std::string contract = Id(own);
        const AccountKey fee =
            mode == "fee-single-row"
                ? AccountKey{AccountKind::kFeeRevenue, "single", "USD"}
                : market::escrow::Platform(AccountKind::kFeeRevenue, "USD", contract);
        if (movements) {
          const auto status = Move(pool, batcher, payer, "fund-" + std::to_string(n),
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
            Move(pool, batcher, payer, "release-" + std::to_string(n),
                 {.kind = "release",
                  .contract_id = contract,
                  .milestone_id = "",
                  .legs = {{movements ? market::escrow::Escrow(contract, "USD")
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
  const auto batches = market::escrow::MovementBatchSizes().Take();
  const auto batch_count = batches.cumulative.back();
  std::cout << mode << " " << counted << " in " << elapsed
            << " s: " << static_cast<long long>(counted / elapsed) << "/s (failed " << failed
            << ", mean batch "
            << (batch_count == 0 ? 1.0 : batches.sum / static_cast<double>(batch_count)) << ")\n";
  return failed > 0 ? 1 : 0;
}
