// The dispute methods of EscrowService: open, respond, resolve, and the operator's queue.
#include "contract_terms.hpp"
#include "dispute_repository.hpp"
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "idempotency.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/money/money.hpp"
#include "parties.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

inline constexpr int kDefaultDisputeLimit = 50;
inline constexpr int kMaxDisputeLimit = 100;

}  // namespace

Status EscrowService::OpenDispute(const connect::CallContext& ctx,
                                  const v1::OpenDisputeRequest& request,
                                  v1::OpenDisputeResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "OpenDispute", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  MARKET_ASSIGN_OR_RETURN(const std::string reason,
                          ValidateText(request.reason(), "reason", kMaxTextLength, true));
  return RunOnce(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
      [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(LockedMilestone locked,
                                LockMilestoneFor(tx, request.milestone(), caller.subject));
        ContractRecord& contract = locked.contract;
        MilestoneRecord& m = locked.milestone();
        MARKET_RETURN_IF_ERROR(RequireState(m, "submitted", "disputed"));
        // The funds freeze: no release, refund, cancellation or auto-approval until resolved.
        m.state = "disputed";
        m.cancel_requested_by.clear();
        WriteMilestone(tx, m, contract.review_window_seconds);
        const DisputeRecord dispute = InsertDispute(
            tx, contract.id, m.id, std::string(PartyName(locked.party)), m.held, contract.currency,
            contract.dispute_response_window_seconds, caller.subject, reason);
        v1::DisputeOpened event;
        ToProto(dispute, *event.mutable_dispute());
        MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kEventSource, contract.id, event));
        *response.mutable_dispute() = event.dispute();
        return OkStatus();
      });
}

Status EscrowService::RespondToDispute(const connect::CallContext& ctx,
                                       const v1::RespondToDisputeRequest& request,
                                       v1::RespondToDisputeResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "RespondToDispute", request));
  if (!ids::IsUuid(request.dispute_id())) {
    return InvalidArgumentError("dispute_id: must be a dispute id (UUID)");
  }
  MARKET_ASSIGN_OR_RETURN(const std::string statement,
                          ValidateText(request.statement(), "statement", kMaxTextLength, true));
  return RunOnce(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
      [&](pqxx::work& tx) -> Status {
        const auto not_found = NotFoundError("dispute_id: no such dispute of yours");
        std::optional<DisputeRecord> dispute = FindDispute(tx, request.dispute_id());
        if (!dispute) return not_found;
        const std::optional<ContractRecord> contract =
            FindContract(tx, dispute->contract_id, Lock::kForUpdate);
        const StatusOr<Party> party = PartyOf(*contract, caller.subject);
        if (!party.ok()) return not_found;
        if (PartyName(*party) == dispute->opened_by) {
          return PermissionDeniedError("only the other party may respond to a dispute");
        }
        dispute = FindDispute(tx, request.dispute_id());  // again, under the contract's lock
        if (dispute->state != "open") {
          return FailedPreconditionError("dispute_id: the dispute is already resolved");
        }
        for (const DisputeStep& step : dispute->trail) {
          if (step.kind == "responded") {
            return FailedPreconditionError("statement: this dispute already has a response");
          }
        }
        AppendDisputeStep(tx, dispute->id, "responded", caller.subject, statement);
        ToProto(*FindDispute(tx, dispute->id), *response.mutable_dispute());
        return OkStatus();
      });
}

Status EscrowService::ResolveDispute(const connect::CallContext& ctx,
                                     const v1::ResolveDisputeRequest& request,
                                     v1::ResolveDisputeResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "ResolveDispute", request));
  if (!ids::IsUuid(request.dispute_id())) {
    return InvalidArgumentError("dispute_id: must be a dispute id (UUID)");
  }
  MARKET_ASSIGN_OR_RETURN(const money::Money to_freelancer,
                          money::Money::FromProto(request.to_freelancer(), "to_freelancer"));
  MARKET_ASSIGN_OR_RETURN(const money::Money to_client,
                          money::Money::FromProto(request.to_client(), "to_client"));
  if (to_freelancer.IsNegative())
    return InvalidArgumentError("to_freelancer: must not be negative");
  if (to_client.IsNegative()) return InvalidArgumentError("to_client: must not be negative");
  MARKET_ASSIGN_OR_RETURN(const std::string reason,
                          ValidateText(request.reason(), "reason", kMaxTextLength, true));
  return RunOnce(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
      [&](pqxx::work& tx) -> Status {
        std::optional<DisputeRecord> dispute = FindDispute(tx, request.dispute_id());
        if (!dispute) return NotFoundError("dispute_id: no such dispute");
        std::optional<ContractRecord> contract =
            FindContract(tx, dispute->contract_id, Lock::kForUpdate);
        dispute = FindDispute(tx, request.dispute_id());  // again, under the contract's lock
        MilestoneRecord& m = *FindMilestone(*contract, dispute->milestone_id);
        if (dispute->state != "open" || m.state != "disputed") {
          return RequireState(m, "disputed", "resolved");
        }
        if (to_freelancer.currency() != contract->currency ||
            to_client.currency() != contract->currency) {
          return InvalidArgumentError("to_freelancer.currency: both parts must be in " +
                                      contract->currency);
        }
        if (to_freelancer.minor_units() + to_client.minor_units() != m.held) {
          return InvalidArgumentError(
              "to_client: to_freelancer + to_client must equal the held "
              "amount, " +
              std::to_string(m.held) + " minor units");
        }
        PendingWrites writes;
        if (to_freelancer.minor_units() > 0) {
          MARKET_ASSIGN_OR_RETURN(
              *response.mutable_release(),
              ReleaseHeld(tx, writes, *contract, m, to_freelancer.minor_units(), false));
        }
        MARKET_RETURN_IF_ERROR(RefundHeld(tx, writes, *contract, m, to_client.minor_units()));
        MarkDisputeResolved(tx, dispute->id, to_freelancer.minor_units(), to_client.minor_units());
        AppendDisputeStep(tx, dispute->id, "resolved", caller.subject, reason);
        Finish(writes, *contract, m, "resolved");
        v1::DisputeResolved event;
        ToProto(*FindDispute(tx, dispute->id), *event.mutable_dispute());
        writes.Event(contract->id, event);
        MARKET_RETURN_IF_ERROR(writes.Flush(tx));
        *response.mutable_dispute() = event.dispute();
        return OkStatus();
      });
}

Status EscrowService::ListDisputes(const connect::CallContext& ctx,
                                   const v1::ListDisputesRequest& request,
                                   v1::ListDisputesResponse& response) {
  int limit = request.limit();
  if (limit < 0 || limit > kMaxDisputeLimit) {
    return InvalidArgumentError("limit: must be 0 (default 50) to 100");
  }
  if (limit == 0) limit = kDefaultDisputeLimit;
  const std::string state = request.state() == v1::DISPUTE_STATE_RESOLVED ? "resolved" : "open";
  const DisputeSort sort = request.order() == v1::DISPUTE_ORDER_AMOUNT     ? DisputeSort::kAmount
                           : request.order() == v1::DISPUTE_ORDER_DEADLINE ? DisputeSort::kDeadline
                                                                           : DisputeSort::kAge;
  return pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                           [&](pqxx::work& tx) -> Status {
                             response.Clear();
                             for (const auto& d : escrow::ListDisputes(tx, state, sort, limit)) {
                               ToProto(d, *response.add_disputes());
                             }
                             return OkStatus();
                           });
}

}  // namespace market::escrow
