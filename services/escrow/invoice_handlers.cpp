// The weekly-invoice methods of EscrowService: ListInvoices, GetInvoice, DisputeInvoice, and the
// sandbox test clock AdvanceContractClock. Invoices are issued, funded and released by the
// background workers (invoice_worker.hpp, auto_approver.hpp); callers only read and dispute them.
#include "contract_terms.hpp"
#include "dispute_repository.hpp"
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "idempotency.hpp"
#include "invoice_repository.hpp"
#include "market/common/ids.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "settlement.hpp"
#include "time_entry_repository.hpp"

namespace market::escrow {
namespace {

inline constexpr int kDefaultInvoicePageSize = 20;
inline constexpr int kMaxInvoicePageSize = 100;
inline constexpr std::string_view kInvoiceList = "escrow.invoices";
inline constexpr std::int64_t kMaxClockStepSeconds = 31LL * 24 * 3600;

using Cursor = std::optional<std::pair<std::int64_t, std::string>>;

StatusOr<Cursor> ReadCursor(const std::string& token) {
  MARKET_ASSIGN_OR_RETURN(const std::vector<std::string> keys,
                          connect::DecodePageToken(token, kInvoiceList, 2));
  if (keys.empty()) return Cursor();
  MARKET_ASSIGN_OR_RETURN(const std::int64_t week, connect::PageKeyAsInt(keys[0]));
  if (!ids::IsUuid(keys[1])) {
    return InvalidArgumentError("page.page_token: not a token this method returned");
  }
  return Cursor(std::pair{week, keys[1]});
}

bool IsParty(const InvoiceRecord& invoice, const std::string& account_id) {
  return account_id == invoice.client_id || account_id == invoice.freelancer_id;
}

void AddDocument(pqxx::work& tx, const InvoiceRecord& record, v1::Invoice& invoice) {
  v1::InvoiceDocument& document = *invoice.mutable_document();
  document.set_title(record.title);
  document.set_client_id(record.client_id);
  document.set_client_country(record.client_country);
  document.set_freelancer_id(record.freelancer_id);
  document.set_freelancer_country(record.freelancer_country);
  for (const TimeEntryRecord& entry : InvoiceLines(tx, record.id)) {
    v1::InvoiceLine& line = *document.add_lines();
    line.set_time_entry_id(entry.id);
    *line.mutable_start() = pg::TimestampFromUnixMicros(entry.started_at_micros);
    line.set_minutes(entry.minutes);
    line.set_memo(entry.memo);
  }
}

Status Refused(const std::string& message, std::string_view reason) {
  return FailedPreconditionError(message).WithDetail(connect::ErrorInfo(reason, "escrow.market"));
}

}  // namespace

Status EscrowService::ListInvoices(const connect::CallContext& ctx,
                                   const v1::ListInvoicesRequest& request,
                                   v1::ListInvoicesResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  const bool is_operator = caller.HasRole(auth::Role::kOperator);
  if (!is_operator) MARKET_RETURN_IF_ERROR(AccountCaller(ctx).status());
  if (!request.contract_id().empty() && !ids::IsUuid(request.contract_id())) {
    return InvalidArgumentError("contract_id: must be a contract id (UUID), or empty for all");
  }
  if (!v1::InvoiceState_IsValid(request.state())) {
    return InvalidArgumentError("state: must be an InvoiceState, or unset for all");
  }
  MARKET_ASSIGN_OR_RETURN(const int page_size,
                          connect::CheckPageSize(request.page().page_size(),
                                                 kDefaultInvoicePageSize, kMaxInvoicePageSize));
  MARKET_ASSIGN_OR_RETURN(const Cursor after, ReadCursor(request.page().page_token()));
  const InvoiceFilter filter{.party_id = is_operator ? "" : caller.subject,
                             .contract_id = request.contract_id(),
                             .state = InvoiceStateName(request.state())};
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response.Clear();
        if (!is_operator && !request.contract_id().empty()) {
          // Another's contract answers as one that does not exist.
          const std::optional<ContractRecord> contract =
              FindContract(tx, request.contract_id(), Lock::kNone);
          if (!contract) return NotFoundError("contract_id: no such contract of yours");
          MARKET_RETURN_IF_ERROR(PartyOf(*contract, caller.subject).status());
        }
        // One more than the page, to know whether another page follows.
        std::vector<InvoiceRecord> invoices =
            escrow::ListInvoices(tx, filter, after, page_size + 1);
        const bool more = invoices.size() > static_cast<std::size_t>(page_size);
        if (more) invoices.pop_back();
        for (const InvoiceRecord& invoice : invoices) ToProto(invoice, *response.add_invoices());
        if (more) {
          response.mutable_page()->set_next_page_token(connect::EncodePageToken(
              kInvoiceList,
              {std::to_string(invoices.back().week_start_micros), invoices.back().id}));
        }
        return OkStatus();
      });
}

Status EscrowService::GetInvoice(const connect::CallContext& ctx,
                                 const v1::GetInvoiceRequest& request,
                                 v1::GetInvoiceResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  if (!ids::IsUuid(request.invoice_id())) {
    return InvalidArgumentError("invoice_id: must be an invoice id (UUID)");
  }
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        const std::optional<InvoiceRecord> invoice = FindInvoice(tx, request.invoice_id());
        if (!invoice ||
            (!caller.HasRole(auth::Role::kOperator) && !IsParty(*invoice, caller.subject))) {
          return NotFoundError("invoice_id: no such invoice of yours");
        }
        response.Clear();
        ToProto(*invoice, *response.mutable_invoice());
        AddDocument(tx, *invoice, *response.mutable_invoice());
        return OkStatus();
      });
}

Status EscrowService::DisputeInvoice(const connect::CallContext& ctx,
                                     const v1::DisputeInvoiceRequest& request,
                                     v1::DisputeInvoiceResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "DisputeInvoice", request));
  if (!ids::IsUuid(request.invoice_id())) {
    return InvalidArgumentError("invoice_id: must be an invoice id (UUID)");
  }
  MARKET_ASSIGN_OR_RETURN(const std::string reason,
                          ValidateText(request.reason(), "reason", kMaxTextLength, true));
  return RunOnce(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
      [&](pqxx::work& tx) -> Status {
        const auto not_found = NotFoundError("invoice_id: no such invoice of yours");
        const std::optional<InvoiceRecord> found = FindInvoice(tx, request.invoice_id());
        if (!found) return not_found;
        // The contract row first, as every change to a milestone (settlement.hpp).
        std::optional<ContractRecord> contract =
            FindContract(tx, found->contract_id, Lock::kForUpdate);
        const StatusOr<Party> party = PartyOf(*contract, caller.subject);
        if (!party.ok()) return not_found;
        MARKET_RETURN_IF_ERROR(RequireSide(*party, Party::kClient, "dispute an invoice"));
        MilestoneRecord& invoice = *FindMilestone(*contract, request.invoice_id());
        if (IsSettled(invoice.state)) return RequireState(invoice, "submitted", "disputed");
        if (invoice.state != "submitted") {
          return Refused("invoice_id: the invoice is " +
                             v1::InvoiceState_Name(InvoiceStateFromName(invoice.state)) +
                             "; only an invoice in review can be disputed",
                         "NOT_IN_REVIEW");
        }
        if (DatabaseNowMicros(tx) >= invoice.review_deadline_micros.value_or(0)) {
          return Refused("invoice_id: its review window has ended; it is being released",
                         "REVIEW_CLOSED");
        }
        // The funds freeze: the auto-approval worker takes submitted invoices only.
        invoice.state = "disputed";
        WriteMilestone(tx, invoice, contract->invoice_review_window_seconds);
        const DisputeRecord dispute =
            InsertDispute(tx, contract->id, invoice.id, "client", invoice.held, contract->currency,
                          contract->dispute_response_window_seconds, caller.subject, reason);
        v1::DisputeOpened opened;
        ToProto(dispute, *opened.mutable_dispute());
        MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract->id, opened));
        v1::InvoiceDisputed disputed;
        disputed.set_contract_id(contract->id);
        disputed.set_invoice_id(invoice.id);
        disputed.set_dispute_id(dispute.id);
        MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract->id, disputed));
        response.Clear();
        ToProto(*FindInvoice(tx, invoice.id), *response.mutable_invoice());
        *response.mutable_dispute() = opened.dispute();
        return OkStatus();
      });
}

Status EscrowService::AdvanceContractClock(const connect::CallContext& ctx,
                                           const v1::AdvanceContractClockRequest& request,
                                           v1::AdvanceContractClockResponse& response) {
  // Test clocks would let anyone with the operator role close weeks early: never in production.
  if (dynamic_cast<const SandboxPaymentProvider*>(&payments_) == nullptr) {
    return Refused("contract_id: test clocks exist only with the sandbox payment provider",
                   "SANDBOX_ONLY");
  }
  if (!ids::IsUuid(request.contract_id())) {
    return InvalidArgumentError("contract_id: must be a contract id (UUID)");
  }
  if (request.seconds() < 1 || request.seconds() > kMaxClockStepSeconds) {
    return InvalidArgumentError("seconds: must be 1 second to 31 days (2678400)");
  }
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        const std::optional<ContractRecord> contract =
            FindContract(tx, request.contract_id(), Lock::kForUpdate);
        if (!contract) return NotFoundError("contract_id: no such contract");
        if (contract->kind != "hourly") {
          return Refused("contract_id: is a fixed-price contract; only hourly ones have a clock",
                         "NOT_HOURLY");
        }
        const std::int64_t offset = AdvanceClock(tx, contract->id, request.seconds());
        response.Clear();
        *response.mutable_contract_now() =
            pg::TimestampFromUnixMicros(DatabaseNowMicros(tx) + offset * 1000000);
        response.set_offset_seconds(offset);
        return OkStatus();
      });
}

}  // namespace market::escrow
