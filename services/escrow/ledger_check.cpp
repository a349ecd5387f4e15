#include "ledger_check.hpp"

#include <map>
#include <string>

#include "escrow_proto.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kRecompute = R"(
  SELECT a.id, a.kind, a.currency, a.balance,
         COALESCE((SELECT sum(l.amount) FROM legs l WHERE l.account_id = a.id), 0)::bigint
           AS recomputed
  FROM accounts a ORDER BY a.currency, a.kind, a.id)";

inline constexpr std::string_view kUnbalancedTransfers = R"(
  SELECT transfer_id, currency, sum(amount)::bigint AS total FROM legs
  GROUP BY transfer_id, currency HAVING sum(amount) <> 0 LIMIT 20)";

inline constexpr std::string_view kOrphanLegs = R"(
  SELECT count(*) AS orphans FROM legs l
  WHERE NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = l.transfer_id))";

inline constexpr std::string_view kCounts = R"(
  SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM legs) AS legs)";

// Each contract's escrow account against what its milestones hold.
inline constexpr std::string_view kEscrowVersusMilestones = R"(
  SELECT c.id::text AS contract_id,
         COALESCE((SELECT balance FROM accounts
                   WHERE kind = 'escrow' AND owner = c.id::text AND currency = c.currency), 0)
           AS escrow_balance,
         (SELECT COALESCE(sum(held), 0) FROM milestones m WHERE m.contract_id = c.id)::bigint
           AS held
  FROM contracts c)";

}  // namespace

v1::CheckLedgerResponse RunLedgerCheck(pqxx::work& tx) {
  v1::CheckLedgerResponse response;
  struct Figures {
    std::int64_t stored = 0, recomputed = 0;
  };
  std::map<std::string, std::map<std::string, Figures>> by_currency;  // currency -> kind
  std::map<std::string, __int128> sums;
  for (const auto& row : tx.exec(std::string(kRecompute))) {
    const std::string kind = row["kind"].as<std::string>();
    const std::string currency = row["currency"].as<std::string>();
    const auto stored = row["balance"].as<std::int64_t>();
    const auto recomputed = row["recomputed"].as<std::int64_t>();
    Figures& figures = by_currency[currency][kind];
    figures.stored += stored;
    figures.recomputed += recomputed;
    sums[currency] += recomputed;
    const std::string account =
        "account " + row["id"].as<std::string>() + " (" + kind + ", " + currency + ")";
    if (stored != recomputed) {
      response.add_problems(account + " stores " + std::to_string(stored) + ", its legs sum to " +
                            std::to_string(recomputed));
    }
    if (recomputed < 0 && (kind == "wallet" || kind == "escrow")) {
      response.add_problems(account + " is negative: " + std::to_string(recomputed));
    }
  }
  for (const auto& [currency, kinds] : by_currency) {
    v1::CurrencyCheck& check = *response.add_currencies();
    check.set_currency(currency);
    check.set_sum_minor_units(static_cast<std::int64_t>(sums[currency]));
    if (sums[currency] != 0) {
      response.add_problems(currency + " balances sum to " +
                            std::to_string(static_cast<std::int64_t>(sums[currency])) +
                            ", not zero");
    }
    for (const auto& [kind, figures] : kinds) {
      v1::AccountFigure& figure = *check.add_accounts();
      figure.set_kind(kind);
      *figure.mutable_stored() = MoneyProto(currency, figures.stored);
      *figure.mutable_recomputed() = MoneyProto(currency, figures.recomputed);
    }
  }
  for (const auto& row : tx.exec(std::string(kUnbalancedTransfers))) {
    response.add_problems("transfer " + row["transfer_id"].as<std::string>() + " sums to " +
                          row["total"].as<std::string>() + " " + row["currency"].as<std::string>());
  }
  for (const auto& row : tx.exec(std::string(kEscrowVersusMilestones))) {
    const auto balance = row["escrow_balance"].as<std::int64_t>();
    const auto held = row["held"].as<std::int64_t>();
    if (balance != held) {
      response.add_problems("contract " + row["contract_id"].as<std::string>() + ": escrow holds " +
                            std::to_string(balance) + ", its milestones " + std::to_string(held));
    }
  }
  const auto orphans = tx.exec1(std::string(kOrphanLegs))["orphans"].as<std::int64_t>();
  if (orphans > 0) response.add_problems(std::to_string(orphans) + " legs have no transfer");
  const pqxx::row counts = tx.exec1(std::string(kCounts));
  response.set_transfers(counts["transfers"].as<std::int64_t>());
  response.set_legs(counts["legs"].as<std::int64_t>());
  response.set_ok(response.problems().empty());
  return response;
}

}  // namespace market::escrow
