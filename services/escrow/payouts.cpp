#include "payouts.hpp"

#include "escrow_proto.hpp"
#include "ledger.hpp"
#include "market/common/log.hpp"
#include "market/escrow/v1/payouts.pb.h"
#include "market/events/outbox.hpp"
#include "market/pg/transaction.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kInsertPayout = R"(
  INSERT INTO payouts (account_id, idempotency_key, currency, amount, method, transfer_id)
  VALUES ($1::uuid, $2, $3, $4, $5, $6)
  RETURNING id::text AS id)";

inline constexpr std::string_view kPayoutColumns = R"(
  id::text AS id, account_id::text AS account_id, currency, amount, method, state,
  provider_reference, failure_reason, transfer_id, reversal_transfer_id,
  (extract(epoch FROM requested_at) * 1000000)::bigint AS requested_at_micros,
  (extract(epoch FROM settled_at) * 1000000)::bigint AS settled_at_micros)";

// $1 account ("" for all), $2 state ("" for all), $3 and $4 the cursor ("" for none).
inline constexpr std::string_view kListFilter = R"(
  FROM payouts
  WHERE ($1 = '' OR account_id = NULLIF($1, '')::uuid) AND ($2 = '' OR state = $2)
    AND ($3 = '' OR (requested_at, id) <
                    ('epoch'::timestamptz + NULLIF($3, '')::bigint * interval '1 microsecond',
                     NULLIF($4, '')::uuid))
  ORDER BY requested_at DESC, id DESC
  LIMIT $5)";

inline constexpr std::string_view kMarkPaid = R"(
  UPDATE payouts SET state = 'paid', provider_reference = $2, settled_at = now(),
                     attempted_at = now()
  WHERE id = $1::uuid)";

inline constexpr std::string_view kMarkFailed = R"(
  UPDATE payouts SET state = 'failed', failure_reason = $2, reversal_transfer_id = $3,
                     settled_at = now(), attempted_at = now()
  WHERE id = $1::uuid)";

inline constexpr std::string_view kTouchAttempt = R"(
  UPDATE payouts SET attempted_at = now() WHERE id = $1::uuid AND state = 'pending')";

// Claims one payout for a retry: its attempted_at moves forward, so other workers leave it for
// kRetryAfter.
inline constexpr std::string_view kClaimDue = R"(
  UPDATE payouts SET attempted_at = now()
  WHERE id = (SELECT id FROM payouts
              WHERE state = 'pending' AND attempted_at <= now() - make_interval(secs => $1)
              ORDER BY attempted_at LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING id::text AS id)";

inline constexpr std::string_view kSelectMinimum = R"(
  SELECT min_minor_units FROM payout_minimums WHERE currency = $1)";

PayoutRecord PayoutFrom(const pqxx::row& row) {
  PayoutRecord payout;
  payout.id = row["id"].as<std::string>();
  payout.account_id = row["account_id"].as<std::string>();
  payout.currency = row["currency"].as<std::string>();
  payout.amount = row["amount"].as<std::int64_t>();
  payout.method = row["method"].as<std::string>();
  payout.state = row["state"].as<std::string>();
  payout.provider_reference = row["provider_reference"].as<std::string>();
  payout.failure_reason = row["failure_reason"].as<std::string>();
  payout.transfer_id = row["transfer_id"].as<std::int64_t>();
  if (!row["reversal_transfer_id"].is_null()) {
    payout.reversal_transfer_id = row["reversal_transfer_id"].as<std::int64_t>();
  }
  payout.requested_at_micros = row["requested_at_micros"].as<std::int64_t>();
  if (!row["settled_at_micros"].is_null()) {
    payout.settled_at_micros = row["settled_at_micros"].as<std::int64_t>();
  }
  return payout;
}

// Payout clearing is sharded by the account, so a payout and its reversal meet one shard.
AccountKey ClearingOf(const std::string& account_id, const std::string& currency) {
  return Platform(AccountKind::kPayoutClearing, currency, account_id);
}

// Records the provider's final answer on a payout still pending, under its row lock.
StatusOr<PayoutRecord> Settle(pqxx::work& tx, const std::string& payout_id,
                              const PayoutResult& result) {
  PayoutRecord payout = PayoutFrom(tx.exec_params1(
      "SELECT " + std::string(kPayoutColumns) + " FROM payouts WHERE id = $1::uuid FOR UPDATE",
      payout_id));
  if (payout.state != "pending") return payout;  // another worker recorded it first
  if (result.outcome == PayoutResult::Outcome::kPaid) {
    tx.exec_params(std::string(kMarkPaid), payout_id, result.reference);
  } else {
    MARKET_ASSIGN_OR_RETURN(
        const PostedTransfer reversal,
        PostTransfer(tx, {.kind = "payout_reversal",
                          .contract_id = "",
                          .milestone_id = "",
                          .legs = {{ClearingOf(payout.account_id, payout.currency), -payout.amount},
                                   {Wallet(payout.account_id, payout.currency), payout.amount}}}));
    tx.exec_params(std::string(kMarkFailed), payout_id, result.reason, reversal.id);
  }
  payout = *FindPayout(tx, payout_id);
  v1::PayoutSettled event;
  ToProto(payout, *event.mutable_payout());
  MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, payout.id, event));
  return payout;
}

}  // namespace

StatusOr<PayoutRecord> OpenPayout(pqxx::work& tx, const std::string& account_id,
                                  const std::string& idempotency_key, const money::Money& amount,
                                  const std::string& method) {
  MARKET_ASSIGN_OR_RETURN(
      const PostedTransfer posted,
      PostTransfer(tx,
                   {.kind = "payout",
                    .contract_id = "",
                    .milestone_id = "",
                    .legs = {{Wallet(account_id, amount.currency()), -amount.minor_units()},
                             {ClearingOf(account_id, amount.currency()), amount.minor_units()}}}));
  const std::string id =
      tx.exec_params1(std::string(kInsertPayout), account_id, idempotency_key, amount.currency(),
                      amount.minor_units(), method, posted.id)["id"]
          .as<std::string>();
  PayoutRecord payout = *FindPayout(tx, id);
  v1::PayoutRequested event;
  ToProto(payout, *event.mutable_payout());
  MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, payout.id, event));
  return payout;
}

std::optional<PayoutRecord> FindPayout(pqxx::work& tx, const std::string& payout_id) {
  const pqxx::result rows = tx.exec_params(
      "SELECT " + std::string(kPayoutColumns) + " FROM payouts WHERE id = $1::uuid", payout_id);
  if (rows.empty()) return std::nullopt;
  return PayoutFrom(rows[0]);
}

std::vector<PayoutRecord> ListPayouts(
    pqxx::work& tx, const std::string& account_id, const std::string& state,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit) {
  const std::string after_micros = after ? std::to_string(after->first) : "";
  const std::string after_id = after ? after->second : "";
  std::vector<PayoutRecord> payouts;
  for (const auto& row :
       tx.exec_params("SELECT " + std::string(kPayoutColumns) + std::string(kListFilter),
                      account_id, state, after_micros, after_id, limit)) {
    payouts.push_back(PayoutFrom(row));
  }
  return payouts;
}

std::optional<std::int64_t> PayoutMinimum(pqxx::work& tx, const std::string& currency) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectMinimum), currency);
  if (rows.empty()) return std::nullopt;
  return rows[0]["min_minor_units"].as<std::int64_t>();
}

StatusOr<PayoutRecord> PayoutSender::Advance(const std::string& payout_id) {
  std::optional<PayoutRecord> payout;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    payout = FindPayout(tx, payout_id);
    return OkStatus();
  }));
  if (!payout) return NotFoundError("payout_id: no such payout");
  if (payout->state != "pending") return *payout;
  MARKET_ASSIGN_OR_RETURN(const money::Money amount,
                          money::Money::Of(payout->currency, payout->amount));
  // Outside any transaction: no row lock is held across the provider's round trip.
  const PayoutResult result =
      provider_.Send(payout->id, payout->account_id, amount, payout->method);
  PayoutRecord settled;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    if (result.outcome == PayoutResult::Outcome::kUnavailable) {
      tx.exec_params(std::string(kTouchAttempt), payout_id);
      settled = *FindPayout(tx, payout_id);
      return OkStatus();
    }
    MARKET_ASSIGN_OR_RETURN(settled, Settle(tx, payout_id, result));
    return OkStatus();
  }));
  if (settled.state != "pending") {
    log::Info("payout settled", {{"payout_id", settled.id}, {"state", settled.state}});
  }
  return settled;
}

PeriodicTask::Outcome PayoutSender::Step() {
  std::string claimed;
  const Status status = pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    const pqxx::result rows =
        tx.exec_params(std::string(kClaimDue), static_cast<double>(kRetryAfter.count()));
    claimed = rows.empty() ? "" : rows[0]["id"].as<std::string>();
    return OkStatus();
  });
  if (status.ok() && claimed.empty()) return PeriodicTask::Outcome::kIdle;
  if (status.ok()) {
    const StatusOr<PayoutRecord> advanced = Advance(claimed);
    if (advanced.ok()) return PeriodicTask::Outcome::kMoreWork;
    log::Warn("payout retry failed",
              {{"payout_id", claimed}, {"error", advanced.status().ToString()}});
    return PeriodicTask::Outcome::kFailed;
  }
  log::Warn("payout retry failed", {{"error", status.ToString()}});
  return PeriodicTask::Outcome::kFailed;
}

}  // namespace market::escrow
