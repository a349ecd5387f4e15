// The operator views of EscrowService: the escrow summary (with the weekly invoices waiting,
// pending payouts and withholding held) and the ledger check.
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "ledger_check.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kHeldByState = R"(
  SELECT c.currency, m.state, sum(m.held)::bigint AS held, count(*) AS milestones
  FROM milestones m JOIN contracts c ON c.id = m.contract_id
  WHERE m.held > 0
  GROUP BY c.currency, m.state ORDER BY c.currency, m.state)";

// Age since funding, on database time.
inline constexpr std::string_view kAgeing = R"(
  SELECT c.currency,
         CASE WHEN now() - m.funded_at <= interval '7 days' THEN '0-7d'
              WHEN now() - m.funded_at <= interval '30 days' THEN '8-30d'
              WHEN now() - m.funded_at <= interval '90 days' THEN '31-90d'
              ELSE '>90d' END AS bucket,
         sum(m.held)::bigint AS held
  FROM milestones m JOIN contracts c ON c.id = m.contract_id
  WHERE m.held > 0
  GROUP BY 1, 2 ORDER BY 1, 2)";

// Weekly invoices waiting: in review (held) and payment due (not yet funded), what they charge.
inline constexpr std::string_view kInvoiceTotals = R"(
  SELECT c.currency, m.state, sum(m.amount)::bigint AS amount, count(*) AS invoices
  FROM milestones m JOIN contracts c ON c.id = m.contract_id
  WHERE m.kind = 'invoice' AND m.state IN ('submitted', 'pending')
  GROUP BY c.currency, m.state ORDER BY c.currency, m.state)";
inline constexpr std::string_view kPendingPayouts = R"(
  SELECT currency, sum(amount)::bigint AS amount, count(*) AS payouts,
         (extract(epoch FROM min(requested_at)) * 1000000)::bigint AS oldest_micros
  FROM payouts WHERE state = 'pending'
  GROUP BY currency ORDER BY currency)";

// The shards of each currency's withholding account added up.
inline constexpr std::string_view kWithholdingHeld = R"(
  SELECT currency, sum(balance)::bigint AS held
  FROM accounts WHERE kind = 'withholding'
  GROUP BY currency ORDER BY currency)";

}  // namespace

Status EscrowService::GetEscrowSummary(const connect::CallContext& ctx,
                                       const v1::GetEscrowSummaryRequest&,
                                       v1::GetEscrowSummaryResponse& response) {
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response.Clear();
        for (const auto& row : tx.exec(std::string(kHeldByState))) {
          v1::HeldByState& held = *response.add_held();
          held.set_state(
              v1::MilestoneState_Name(MilestoneStateFromName(row["state"].as<std::string>())));
          *held.mutable_held() =
              MoneyProto(row["currency"].as<std::string>(), row["held"].as<std::int64_t>());
          held.set_milestones(row["milestones"].as<int>());
        }
        for (const auto& row : tx.exec(std::string(kAgeing))) {
          v1::AgeingBucket& bucket = *response.add_ageing();
          bucket.set_bucket(row["bucket"].as<std::string>());
          *bucket.mutable_held() =
              MoneyProto(row["currency"].as<std::string>(), row["held"].as<std::int64_t>());
        }
        for (const auto& row : tx.exec(std::string(kInvoiceTotals))) {
          v1::InvoiceTotals& totals = *response.add_invoices();
          totals.set_state(
              v1::InvoiceState_Name(InvoiceStateFromName(row["state"].as<std::string>())));
          *totals.mutable_amount() =
              MoneyProto(row["currency"].as<std::string>(), row["amount"].as<std::int64_t>());
          totals.set_invoices(row["invoices"].as<int>());
        }
        for (const auto& row : tx.exec(std::string(kPendingPayouts))) {
          v1::PendingPayouts& pending = *response.add_pending_payouts();
          *pending.mutable_amount() =
              MoneyProto(row["currency"].as<std::string>(), row["amount"].as<std::int64_t>());
          pending.set_payouts(row["payouts"].as<int>());
          *pending.mutable_oldest_requested_at() =
              pg::TimestampFromUnixMicros(row["oldest_micros"].as<std::int64_t>());
        }
        for (const auto& row : tx.exec(std::string(kWithholdingHeld))) {
          *response.add_withholding_held() =
              MoneyProto(row["currency"].as<std::string>(), row["held"].as<std::int64_t>());
        }
        return OkStatus();
      });
}

Status EscrowService::CheckLedger(const connect::CallContext& ctx, const v1::CheckLedgerRequest&,
                                  v1::CheckLedgerResponse& response) {
  // One snapshot, so that movements committing meanwhile cannot make a sound ledger look broken.
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response = RunLedgerCheck(tx);
        return OkStatus();
      });
}

}  // namespace market::escrow
