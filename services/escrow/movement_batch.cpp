#include "movement_batch.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "market/common/text.hpp"

namespace market::escrow {
namespace {

// The transfers of one prepared movement, netted, and what posting them gave.
struct Prepared {
  MovementPlan plan;
  std::vector<NetLegs> nets;
  std::vector<PostedTransfer> posted;
  bool accepted = false;
};

// An "insufficient funds" refusal in the caller's words, when its plan has them.
Status Refusal(const Status& status, const MovementPlan& plan) {
  if (status.code() != StatusCode::kFailedPrecondition || plan.refusal.empty()) return status;
  return FailedPreconditionError(plan.refusal);
}

}  // namespace

metrics::Gauge& MovementsInFlight() {
  static metrics::Gauge& gauge = metrics::DefaultRegistry().GetGauge(
      "market_escrow_movements_in_flight", "Money movements queued or in a running batch.");
  return gauge;
}

metrics::Histogram& MovementBatchSizes() {
  static metrics::Histogram& histogram = metrics::DefaultRegistry().GetHistogram(
      "market_escrow_movement_batch_size", "Money movements per batch transaction.", {},
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
}

MovementBatcher::MovementBatcher(const pg::PoolOptions& database, BatchCombinerOptions options)
    : pool_(pg::BatchWriterPoolOptions(database, options.max_writers)),
      combiner_(
          options, [](const Movement& movement) { return movement.lock_key; },
          [this](const Batch& movements) {
            return TogetherOrAlone<Movement, Status>(
                movements, [this](const Batch& some) { return RunInOneTransaction(some); });
          },
          {.in_flight = &MovementsInFlight(), .batch_sizes = &MovementBatchSizes()}) {}

Status MovementBatcher::Run(Movement movement) { return combiner_.Submit(std::move(movement)); }

StatusOr<std::vector<Status>> MovementBatcher::RunInOneTransaction(const Batch& movements) {
  auto deadline = std::chrono::steady_clock::time_point::max();
  for (const Movement* movement : movements) deadline = std::min(deadline, movement->deadline);
  const std::size_t n = movements.size();
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = deadline},
      [&](pqxx::work& tx) -> StatusOr<std::vector<Status>> {
        std::vector<Status> answers(n, OkStatus());
        std::vector<const IdempotencyScope*> scopes;
        for (const Movement* movement : movements) {
          movement->response->Clear();
          scopes.push_back(&movement->scope);
        }

        // 1. Keys. A taken key's stored answer is the call's answer, and it moves nothing.
        const std::vector<KeyClaim> claims = ClaimKeys(tx, scopes);
        std::vector<std::size_t> taken;
        for (std::size_t i = 0; i < n; ++i) {
          if (claims[i].empty()) taken.push_back(i);
        }
        if (!taken.empty()) {
          std::vector<const IdempotencyScope*> taken_scopes;
          std::vector<google::protobuf::Message*> taken_responses;
          for (const std::size_t i : taken) {
            taken_scopes.push_back(scopes[i]);
            taken_responses.push_back(movements[i]->response);
          }
          const std::vector<Status> stored = ReadStoredAnswers(tx, taken_scopes, taken_responses);
          for (std::size_t t = 0; t < taken.size(); ++t) answers[taken[t]] = stored[t];
        }

        // 2. The contracts, all in one statement in id order, so that two batches (or a batch
        // and a lone call) lock them in the same order.
        std::vector<ContractToLock> contracts;
        for (std::size_t i = 0; i < n; ++i) {
          if (!claims[i].empty() && !movements[i]->contract_id.empty()) {
            contracts.push_back({.id = text::ToLowerAscii(movements[i]->contract_id),
                                 .only_milestone_id = movements[i]->only_milestone_id});
          }
        }
        const LockedContracts locked = LockContracts(tx, contracts);
        std::map<std::string, const ContractRecord*> contract_by_id;
        for (const ContractRecord& contract : locked.contracts) {
          contract_by_id.emplace(contract.id, &contract);
        }

        // 3. Each movement's plan.
        std::vector<Prepared> prepared(n);
        std::set<AccountKey> accounts_touched;
        for (std::size_t i = 0; i < n; ++i) {
          if (claims[i].empty()) continue;
          MovementInput input{.tx = tx, .contract = std::nullopt, .now_micros = locked.now_micros};
          const auto found = contract_by_id.find(text::ToLowerAscii(movements[i]->contract_id));
          if (found != contract_by_id.end()) input.contract = *found->second;
          StatusOr<MovementPlan> plan = movements[i]->prepare(input);
          if (!plan.ok()) {
            answers[i] = plan.status();
            continue;
          }
          prepared[i].plan = std::move(*plan);
          for (const TransferSpec& spec : prepared[i].plan.transfers) {
            StatusOr<NetLegs> net = NetOf(spec);
            if (!net.ok()) {
              answers[i] = net.status();
              break;
            }
            for (const auto& entry : *net) accounts_touched.insert(entry.first);
            prepared[i].nets.push_back(std::move(*net));
          }
          prepared[i].accepted = answers[i].ok();
        }

        // 4 and 5. The accounts, then the movements in the order they came.
        LockedAccounts accounts;
        if (!accounts_touched.empty()) {
          MARKET_ASSIGN_OR_RETURN(accounts, LockAccounts(tx, accounts_touched));
        }
        std::vector<TransferToAppend> to_append;
        for (std::size_t i = 0; i < n; ++i) {
          Prepared& p = prepared[i];
          if (!p.accepted) continue;
          // A refused transfer changes nothing (ApplyNet), but the movement's earlier ones have:
          // their balances are put back from `undo`.
          std::vector<std::pair<AccountKey, std::int64_t>> undo;
          for (std::size_t t = 0; t < p.nets.size(); ++t) {
            for (const auto& entry : p.nets[t]) {
              undo.emplace_back(entry.first, accounts.at(entry.first).balance);
            }
            StatusOr<std::map<AccountKey, std::int64_t>> after = ApplyNet(p.nets[t], accounts);
            if (!after.ok()) {
              for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
                accounts[it->first].balance = it->second;
              }
              answers[i] = Refusal(after.status(), p.plan);
              p.accepted = false;
              break;
            }
            p.posted.push_back({.id = 0, .balances = std::move(*after)});
          }
          if (!p.accepted) continue;
          for (std::size_t t = 0; t < p.nets.size(); ++t) {
            to_append.push_back({&p.plan.transfers[t], &p.nets[t]});
          }
        }

        // 6 and 7. The transfers, then the state each accepted movement pays for.
        const std::vector<std::int64_t> ids = to_append.empty()
                                                  ? std::vector<std::int64_t>{}
                                                  : AppendTransfers(tx, to_append, accounts);
        std::size_t next_id = 0;
        PendingWrites writes;
        std::vector<std::pair<KeyClaim, const google::protobuf::Message*>> answered;
        std::vector<KeyClaim> released;
        for (std::size_t i = 0; i < n; ++i) {
          Prepared& p = prepared[i];
          if (claims[i].empty()) continue;
          if (!p.accepted) {
            released.push_back(claims[i]);
            movements[i]->response->Clear();
            continue;
          }
          for (PostedTransfer& posted : p.posted) posted.id = ids.at(next_id++);
          if (p.plan.finish) MARKET_RETURN_IF_ERROR(p.plan.finish(writes, p.posted));
          answered.emplace_back(claims[i], movements[i]->response);
        }
        MARKET_RETURN_IF_ERROR(writes.Flush(tx));

        // 8. Keys again: answers kept, refused calls' keys free for a retry.
        SettleKeys(tx, answered, released);
        return answers;
      });
}

}  // namespace market::escrow
