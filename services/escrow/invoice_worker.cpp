#include "invoice_worker.hpp"

#include "contract_repository.hpp"
#include "invoice_repository.hpp"
#include "invoicing.hpp"
#include "market/common/log.hpp"
#include "market/pg/transaction.hpp"

namespace market::escrow {

StatusOr<bool> InvoiceWorker::CloseOneWeek(std::optional<std::int64_t> now_micros) {
  std::optional<std::string> issued;
  std::string contract_id;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    issued.reset();
    const std::optional<WeekToClose> week = LockWeekToClose(tx, now_micros);
    if (!week) return OkStatus();
    contract_id = week->contract_id;
    std::optional<ContractRecord> contract = FindContract(tx, week->contract_id, Lock::kForUpdate);
    MARKET_ASSIGN_OR_RETURN(issued, CloseWeek(tx, *contract, week->week_start_micros));
    return OkStatus();
  }));
  if (!issued) return false;
  log::Info("week closed into an invoice", {{"contract_id", contract_id}, {"invoice_id", *issued}});
  return true;
}

StatusOr<bool> InvoiceWorker::FundOnePaymentDue() {
  std::string funded_id;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    funded_id.clear();
    const auto due = LockPaymentDueCovered(tx);
    if (!due) return OkStatus();
    std::optional<ContractRecord> contract = FindContract(tx, due->first, Lock::kForUpdate);
    MilestoneRecord* invoice = FindMilestone(*contract, due->second);
    // Checked again under the lock: another worker may have funded it meanwhile.
    if (invoice == nullptr || invoice->state != "pending") return OkStatus();
    MARKET_ASSIGN_OR_RETURN(const bool funded, FundInvoice(tx, *contract, *invoice));
    if (funded) funded_id = invoice->id;
    return OkStatus();
  }));
  if (funded_id.empty()) return false;
  log::Info("payment-due invoice funded", {{"invoice_id", funded_id}});
  return true;
}

PeriodicTask::Outcome InvoiceWorker::Step() {
  const StatusOr<bool> closed = CloseOneWeek();
  if (!closed.ok()) {
    log::Warn("closing a week failed", {{"error", closed.status().ToString()}});
    return PeriodicTask::Outcome::kFailed;
  }
  const StatusOr<bool> funded = FundOnePaymentDue();
  if (!funded.ok()) {
    log::Warn("funding a payment-due invoice failed", {{"error", funded.status().ToString()}});
    return PeriodicTask::Outcome::kFailed;
  }
  return *closed || *funded ? PeriodicTask::Outcome::kMoreWork : PeriodicTask::Outcome::kIdle;
}

}  // namespace market::escrow
