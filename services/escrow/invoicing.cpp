#include "invoicing.hpp"

#include "escrow_proto.hpp"
#include "invoice_amount.hpp"
#include "invoice_repository.hpp"
#include "ledger.hpp"
#include "market/events/outbox.hpp"
#include "settlement.hpp"
#include "time_entry_repository.hpp"

namespace market::escrow {
namespace {

Status EnqueueIssued(pqxx::work& tx, const std::string& invoice_id) {
  v1::InvoiceIssued event;
  ToProto(*FindInvoice(tx, invoice_id), *event.mutable_invoice());
  return events::Enqueue(tx, kEventSource, event.invoice().contract_id(), event);
}

// The client must pay before more hours are worked: the contract pauses, as PauseContract does.
Status PauseForPayment(pqxx::work& tx, ContractRecord& contract) {
  if (contract.state != "active") return OkStatus();
  contract.state = WriteContractState(tx, contract.id, "paused", "").state;
  v1::ContractPaused event;
  event.set_contract_id(contract.id);
  return events::Enqueue(tx, kEventSource, contract.id, event);
}

}  // namespace

StatusOr<bool> FundInvoice(pqxx::work& tx, const ContractRecord& contract,
                           MilestoneRecord& invoice) {
  const std::int64_t missing = invoice.amount - invoice.held;
  if (invoice.state != "pending" || missing <= 0) {
    return InternalError("only a payment-due invoice can be funded");
  }
  const StatusOr<PostedTransfer> posted =
      PostTransfer(tx, {.kind = "fund",
                        .contract_id = contract.id,
                        .milestone_id = invoice.id,
                        .legs = {{Wallet(contract.client_id, contract.currency), -missing},
                                 {Escrow(contract.id, contract.currency), missing}}});
  if (!posted.ok()) {
    // PostTransfer wrote nothing: the wallet is short, the invoice stays payment due.
    if (posted.status().code() == StatusCode::kFailedPrecondition) return false;
    return posted.status();
  }
  invoice.held = invoice.amount;
  invoice.state = "submitted";  // in review from now, on database time
  WriteMilestone(tx, invoice, contract.invoice_review_window_seconds);
  v1::MilestoneFunded event;
  event.set_contract_id(contract.id);
  event.set_milestone_id(invoice.id);
  *event.mutable_amount() = MoneyProto(contract.currency, missing);
  MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract.id, event));
  return true;
}

StatusOr<std::optional<std::string>> CloseWeek(pqxx::work& tx, ContractRecord& contract,
                                               std::int64_t week_start_micros) {
  if (contract.kind != "hourly" || WeekInvoiced(tx, contract.id, week_start_micros)) {
    return std::optional<std::string>();
  }
  int minutes = 0;
  for (const TimeEntryRecord& entry : ListWeek(tx, contract.id, week_start_micros)) {
    minutes += entry.minutes;
  }
  if (minutes == 0) return std::optional<std::string>();  // no entries, no invoice
  const std::int64_t amount = InvoiceAmount(minutes, contract.hourly_rate);
  const std::string id = InsertInvoice(tx, contract, week_start_micros, minutes, amount);
  contract.milestones = FindContract(tx, contract.id, Lock::kNone)->milestones;
  MilestoneRecord& invoice = *FindMilestone(contract, id);
  if (amount == 0) {
    // Minutes at a rate that round to nothing: settled at once, nothing to move.
    PendingWrites writes;
    Finish(writes, contract, invoice, "released");
    MARKET_RETURN_IF_ERROR(writes.Flush(tx));
  } else {
    MARKET_ASSIGN_OR_RETURN(const bool funded, FundInvoice(tx, contract, invoice));
    if (!funded) MARKET_RETURN_IF_ERROR(PauseForPayment(tx, contract));
  }
  MARKET_RETURN_IF_ERROR(EnqueueIssued(tx, id));
  return std::optional<std::string>(id);
}

}  // namespace market::escrow
