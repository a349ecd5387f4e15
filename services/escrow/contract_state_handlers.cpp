// The hourly contract's life of EscrowService: pause, resume and end. They move no money, so
// they take no idempotency key; a repeated call finds the state already changed and is
// failed_precondition.
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/connect/error_details.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

// One state change: who may make it, from which states, to which.
struct Change {
  std::string_view action;  // "pause", "resume", "end"
  bool client_only;
  std::vector<std::string_view> from;
  std::string to;
};

// Checks the change against the locked contract and the caller's side, stores it and enqueues
// `event` (filled by `describe`); the contract as stored afterwards.
template <typename Event, typename Describe>
StatusOr<ContractRecord> ChangeState(pqxx::work& tx, const std::string& contract_id,
                                     const std::string& caller, const Change& change,
                                     Describe describe) {
  std::optional<ContractRecord> contract = FindContract(tx, contract_id, Lock::kForUpdate);
  if (!contract) return NotFoundError("contract_id: no such contract of yours");
  MARKET_ASSIGN_OR_RETURN(const Party party, PartyOf(*contract, caller));
  if (change.client_only) {
    MARKET_RETURN_IF_ERROR(
        RequireSide(party, Party::kClient, std::string(change.action) + " the contract"));
  }
  if (contract->kind != "hourly") {
    return FailedPreconditionError("contract_id: is a fixed-price contract; only hourly ones " +
                                   std::string(change.action))
        .WithDetail(connect::ErrorInfo("NOT_HOURLY", "escrow.market"));
  }
  if (contract->state == "ended") {
    return FailedPreconditionError("contract_id: the contract has ended; it cannot " +
                                   std::string(change.action) + " any more")
        .WithDetail(connect::ErrorInfo("CONTRACT_ENDED", "escrow.market"));
  }
  if (std::find(change.from.begin(), change.from.end(), contract->state) == change.from.end()) {
    return FailedPreconditionError("contract_id: the contract is " + contract->state +
                                   "; it cannot " + std::string(change.action));
  }
  if (change.to == "active") {
    // The contract paused because an invoice could not be paid (invoicing.hpp): no more hours
    // until it is, or the freelancer would work on unpaid.
    for (const MilestoneRecord& m : contract->milestones) {
      if (m.kind == "invoice" && m.state == "pending") {
        return FailedPreconditionError(
                   "contract_id: the invoice \"" + m.title +
                   "\" is payment due; top up the wallet so that it is funded, then resume")
            .WithDetail(connect::ErrorInfo("PAYMENT_DUE", "escrow.market"));
      }
    }
  }
  const std::string ended_by = change.to == "ended" ? std::string(PartyName(party)) : "";
  ContractRecord stored = WriteContractState(tx, contract->id, change.to, ended_by);
  Event event;
  describe(stored, event);
  MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, stored.id, event));
  log::Info("contract state changed", {{"contract_id", stored.id}, {"state", stored.state}});
  return stored;
}

template <typename Event, typename Response, typename Describe>
Status Run(pg::Pool& pool, const connect::CallContext& ctx, const std::string& contract_id,
           const Change& change, Response& response, Describe describe) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  if (!ids::IsUuid(contract_id)) {
    return InvalidArgumentError("contract_id: must be a contract id (UUID)");
  }
  return pg::InTransaction(
      pool, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(
            const ContractRecord contract,
            ChangeState<Event>(tx, contract_id, caller.subject, change, describe));
        response.Clear();
        ToProto(contract, *response.mutable_contract());
        return OkStatus();
      });
}

}  // namespace

Status EscrowService::PauseContract(const connect::CallContext& ctx,
                                    const v1::PauseContractRequest& request,
                                    v1::PauseContractResponse& response) {
  return Run<v1::ContractPaused>(
      pool_, ctx, request.contract_id(),
      Change{.action = "pause", .client_only = true, .from = {"active"}, .to = "paused"}, response,
      [](const ContractRecord& c, v1::ContractPaused& event) { event.set_contract_id(c.id); });
}

Status EscrowService::ResumeContract(const connect::CallContext& ctx,
                                     const v1::ResumeContractRequest& request,
                                     v1::ResumeContractResponse& response) {
  return Run<v1::ContractResumed>(
      pool_, ctx, request.contract_id(),
      Change{.action = "resume", .client_only = true, .from = {"paused"}, .to = "active"}, response,
      [](const ContractRecord& c, v1::ContractResumed& event) { event.set_contract_id(c.id); });
}

Status EscrowService::EndContract(const connect::CallContext& ctx,
                                  const v1::EndContractRequest& request,
                                  v1::EndContractResponse& response) {
  return Run<v1::ContractEnded>(
      pool_, ctx, request.contract_id(),
      Change{.action = "end", .client_only = false, .from = {"active", "paused"}, .to = "ended"},
      response, [](const ContractRecord& c, v1::ContractEnded& event) {
        event.set_contract_id(c.id);
        event.set_client_id(c.client_id);
        event.set_freelancer_id(c.freelancer_id);
        event.set_ended_by(c.ended_by);
      });
}

}  // namespace market::escrow
