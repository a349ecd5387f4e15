// The milestone methods of EscrowService: fund, submit, approve, request changes, cancel.
#include <algorithm>
#include <functional>
#include <string_view>

#include "contract_terms.hpp"
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/common/log.hpp"
#include "market/common/text.hpp"
#include "market/money/money.hpp"
#include "market/pg/time.hpp"
#include "parties.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

// A fund or a submission reads only its own milestone; a release reads them all (the
// contract's completion, a roll into the next one).
enum class Reads { kTheMilestone, kEveryMilestone };
struct MilestoneMove {
  const v1::MilestoneRef& ref;
  Reads reads;
  Party side;               // the contract's side that may make the move
  std::string_view action;  // "fund a milestone", for the permission_denied answer
};
// Plans the move on the milestone the caller may move (its party and side checked).
using PlanOnMilestone = std::function<StatusOr<MovementPlan>(MovementInput&, LockedMilestone)>;

// A call on the milestone `move.ref` names, run by the MovementBatcher on the contract it
// locked. Movements on one contract never share a batch: each one's prepare must see what the one
// before it wrote. Ids are compared as PostgreSQL writes them, in lower case.
Movement OnMilestone(const MilestoneMove& move, const std::string& caller, IdempotencyScope scope,
                     google::protobuf::Message& response, const connect::CallContext& ctx,
                     PlanOnMilestone plan) {
  return {.scope = std::move(scope),
          .response = &response,
          .lock_key = text::ToLowerAscii(move.ref.contract_id()),
          .contract_id = move.ref.contract_id(),
          .only_milestone_id =
              move.reads == Reads::kTheMilestone ? text::ToLowerAscii(move.ref.milestone_id()) : "",
          .deadline = ctx.deadline,
          .prepare = [move, caller,
                      plan = std::move(plan)](MovementInput& in) -> StatusOr<MovementPlan> {
            MARKET_ASSIGN_OR_RETURN(LockedMilestone locked,
                                    MilestoneFor(std::move(in.contract), move.ref, caller));
            MARKET_RETURN_IF_ERROR(RequireSide(locked.party, move.side, move.action));
            return plan(in, std::move(locked));
          }};
}

// The next milestone after `position` that is still pending, or nullptr.
const MilestoneRecord* NextPending(const ContractRecord& contract, int position) {
  for (const MilestoneRecord& m : contract.milestones) {
    if (m.position > position && m.state == "pending") return &m;
  }
  return nullptr;
}

// A milestone whose held amount covers it is funded; tells the parties so.
void MarkFundedIfCovered(PendingWrites& writes, const ContractRecord& contract, MilestoneRecord& m,
                         std::int64_t moved) {
  if (m.held >= m.amount) m.state = "funded";
  writes.Milestone(m);
  if (moved == 0) return;
  v1::MilestoneFunded event;
  event.set_contract_id(contract.id);
  event.set_milestone_id(m.id);
  *event.mutable_amount() = MoneyProto(contract.currency, moved);
  writes.Event(contract.id, event);
}

}  // namespace

Status EscrowService::FundMilestone(const connect::CallContext& ctx,
                                    const v1::FundMilestoneRequest& request,
                                    v1::FundMilestoneResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(IdempotencyScope scope,
                          ScopeOf(caller.subject, "FundMilestone", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  return movements_.Run(OnMilestone(
      {.ref = request.milestone(),
       .reads = Reads::kTheMilestone,
       .side = Party::kClient,
       .action = "fund a milestone"},
      caller.subject, std::move(scope), response, ctx,
      [&](MovementInput&, LockedMilestone locked) -> StatusOr<MovementPlan> {
        MARKET_RETURN_IF_ERROR(RequireState(locked.milestone(), "pending", "funded"));
        const ContractRecord& contract = locked.contract;
        const std::int64_t missing = locked.milestone().amount - locked.milestone().held;
        const AccountKey wallet = Wallet(contract.client_id, contract.currency);
        TransferSpec fund{
            .kind = "fund",
            .contract_id = contract.id,
            .milestone_id = locked.milestone().id,
            .legs = {{wallet, -missing}, {Escrow(contract.id, contract.currency), missing}}};
        return MovementPlan{
            .transfers = {std::move(fund)},
            .refusal = "wallet: holds too little " + contract.currency +
                       " to fund this milestone; top it up first",
            .finish = [&response, locked = std::move(locked), missing, wallet](
                          PendingWrites& writes,
                          const std::vector<PostedTransfer>& posted) mutable -> Status {
              MilestoneRecord& m = locked.milestone();
              m.held = m.amount;
              MarkFundedIfCovered(writes, locked.contract, m, missing);
              ToProto(m, locked.contract.currency, *response.mutable_milestone());
              *response.mutable_wallet()->mutable_available() =
                  MoneyProto(locked.contract.currency, posted.front().balances.at(wallet));
              return OkStatus();
            }};
      }));
}

Status EscrowService::SubmitMilestone(const connect::CallContext& ctx,
                                      const v1::SubmitMilestoneRequest& request,
                                      v1::SubmitMilestoneResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(IdempotencyScope scope,
                          ScopeOf(caller.subject, "SubmitMilestone", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  // No money moves, but the call shares a batch with those that do: its transaction, key and
  // answer cost no more than theirs.
  return movements_.Run(OnMilestone(
      {.ref = request.milestone(),
       .reads = Reads::kTheMilestone,
       .side = Party::kFreelancer,
       .action = "submit a milestone"},
      caller.subject, std::move(scope), response, ctx,
      [&](MovementInput& in, LockedMilestone locked) -> StatusOr<MovementPlan> {
        MARKET_RETURN_IF_ERROR(RequireState(locked.milestone(), "funded", "submitted"));
        return MovementPlan{.transfers = {},
                            .refusal = {},
                            .finish = [&response, locked = std::move(locked), now = in.now_micros](
                                          PendingWrites& writes,
                                          const std::vector<PostedTransfer>&) mutable -> Status {
                              MilestoneRecord& m = locked.milestone();
                              m.state = "submitted";
                              // The review window starts on database time: the transaction's start.
                              m.review_deadline_micros =
                                  now + locked.contract.review_window_seconds * 1'000'000;
                              writes.Milestone(m);
                              v1::MilestoneSubmitted event;
                              event.set_contract_id(locked.contract.id);
                              event.set_milestone_id(m.id);
                              *event.mutable_review_deadline() =
                                  pg::TimestampFromUnixMicros(*m.review_deadline_micros);
                              writes.Event(locked.contract.id, event);
                              ToProto(m, locked.contract.currency, *response.mutable_milestone());
                              return OkStatus();
                            }};
      }));
}

Status EscrowService::ApproveMilestone(const connect::CallContext& ctx,
                                       const v1::ApproveMilestoneRequest& request,
                                       v1::ApproveMilestoneResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(IdempotencyScope scope,
                          ScopeOf(caller.subject, "ApproveMilestone", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  std::optional<money::Money> partial;
  if (request.has_release_amount()) {
    MARKET_ASSIGN_OR_RETURN(partial,
                            money::Money::FromProto(request.release_amount(), "release_amount"));
    if (partial->minor_units() <= 0) {
      return InvalidArgumentError("release_amount: must be positive");
    }
  }
  return movements_.Run(OnMilestone(
      {.ref = request.milestone(),
       .reads = Reads::kEveryMilestone,
       .side = Party::kClient,
       .action = "approve a milestone"},
      caller.subject, std::move(scope), response, ctx,
      [&](MovementInput& in, LockedMilestone locked) -> StatusOr<MovementPlan> {
        const ContractRecord& contract = locked.contract;
        const MilestoneRecord& m = locked.milestone();
        MARKET_RETURN_IF_ERROR(RequireState(m, "submitted", "approved"));
        std::int64_t gross = m.held;
        if (partial) {
          if (partial->currency() != contract.currency) {
            return InvalidArgumentError("release_amount.currency: must be the contract's, " +
                                        contract.currency);
          }
          if (partial->minor_units() > m.held) {
            return InvalidArgumentError("release_amount: at most the held amount, " +
                                        std::to_string(m.held) + " minor units");
          }
          gross = partial->minor_units();
        }
        const std::int64_t rest = m.held - gross;
        if (rest > 0 && request.remainder() == v1::REMAINDER_UNSPECIFIED) {
          return InvalidArgumentError(
              "remainder: required for a partial release (REMAINDER_REFUND or "
              "REMAINDER_ROLL_TO_NEXT)");
        }
        // What rolls into the next pending milestone moves inside the escrow account; what
        // is left after that goes back to the client.
        std::optional<std::size_t> next;
        std::int64_t rolled = 0;
        if (rest > 0 && request.remainder() == v1::REMAINDER_ROLL_TO_NEXT) {
          const MilestoneRecord* found = NextPending(locked.contract, m.position);
          if (found == nullptr) {
            return FailedPreconditionError(
                "remainder: there is no pending milestone after this one to roll into");
          }
          next = static_cast<std::size_t>(found - locked.contract.milestones.data());
          rolled = std::min(rest, std::max<std::int64_t>(0, found->amount - found->held));
        }
        const std::int64_t refunded = rest - rolled;
        MARKET_ASSIGN_OR_RETURN(PlannedRelease release, PlanReleaseOf(in.tx, contract, m, gross));
        std::vector<TransferSpec> transfers{release.transfer};
        if (refunded > 0) {
          MARKET_ASSIGN_OR_RETURN(TransferSpec refund, RefundTransferOf(contract, m, refunded));
          transfers.push_back(std::move(refund));
        }
        return MovementPlan{
            .transfers = std::move(transfers),
            .refusal = {},
            .finish = [&response, locked = std::move(locked), release = std::move(release), next,
                       refunded](PendingWrites& writes,
                                 const std::vector<PostedTransfer>& posted) mutable -> Status {
              ContractRecord& contract = locked.contract;
              MilestoneRecord& m = locked.milestone();
              const v1::Release paid =
                  RecordRelease(writes, contract, m, release, posted.front().id, false);
              std::int64_t rolled = 0;
              if (next) {
                MilestoneRecord& into = contract.milestones[*next];
                rolled = RollHeld(m, into, m.held - refunded);
                MarkFundedIfCovered(writes, contract, into, rolled);
              }
              if (refunded > 0) RecordRefund(writes, contract, m, refunded);
              Finish(writes, contract, m, "released");
              ToProto(m, contract.currency, *response.mutable_milestone());
              *response.mutable_release() = paid;
              *response.mutable_refunded() = MoneyProto(contract.currency, refunded);
              *response.mutable_rolled() = MoneyProto(contract.currency, rolled);
              return OkStatus();
            }};
      }));
}

Status EscrowService::RequestChanges(const connect::CallContext& ctx,
                                     const v1::RequestChangesRequest& request,
                                     v1::RequestChangesResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "RequestChanges", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  MARKET_RETURN_IF_ERROR(ValidateText(request.reason(), "reason", kMaxTextLength, true).status());
  return RunOnce(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
      [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(LockedMilestone locked,
                                LockMilestoneFor(tx, request.milestone(), caller.subject));
        MARKET_RETURN_IF_ERROR(RequireSide(locked.party, Party::kClient, "request changes"));
        MilestoneRecord& m = locked.milestone();
        MARKET_RETURN_IF_ERROR(RequireState(m, "submitted", "sent back for changes"));
        m.state = "funded";
        WriteMilestone(tx, m, locked.contract.review_window_seconds);
        m.review_deadline_micros.reset();
        ToProto(m, locked.contract.currency, *response.mutable_milestone());
        return OkStatus();
      });
}

Status EscrowService::CancelMilestone(const connect::CallContext& ctx,
                                      const v1::CancelMilestoneRequest& request,
                                      v1::CancelMilestoneResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "CancelMilestone", request));
  MARKET_RETURN_IF_ERROR(ValidateRef(request.milestone()));
  return RunOnce(pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
                 [&](pqxx::work& tx) -> Status {
                   MARKET_ASSIGN_OR_RETURN(
                       LockedMilestone locked,
                       LockMilestoneFor(tx, request.milestone(), caller.subject));
                   ContractRecord& contract = locked.contract;
                   MilestoneRecord& m = locked.milestone();
                   if (IsSettled(m.state)) return RequireState(m, "pending", "cancelled");
                   if (m.state == "disputed") {
                     return FailedPreconditionError(
                         "milestone: is frozen by a dispute; an operator resolves it");
                   }
                   const std::string side(PartyName(locked.party));
                   const std::string& currency = contract.currency;
                   if (m.cancel_requested_by.empty() || m.cancel_requested_by == side) {
                     // The first side asks; the milestone carries on until the other side agrees.
                     m.cancel_requested_by = side;
                     WriteMilestone(tx, m, contract.review_window_seconds);
                     ToProto(m, currency, *response.mutable_milestone());
                     response.set_cancelled(false);
                     *response.mutable_refunded() = MoneyProto(currency, 0);
                     return OkStatus();
                   }
                   const std::int64_t refunded = m.held;
                   PendingWrites writes;
                   MARKET_RETURN_IF_ERROR(RefundHeld(tx, writes, contract, m, refunded));
                   Finish(writes, contract, m, "cancelled");
                   MARKET_RETURN_IF_ERROR(writes.Flush(tx));
                   ToProto(m, currency, *response.mutable_milestone());
                   response.set_cancelled(true);
                   *response.mutable_refunded() = MoneyProto(currency, refunded);
                   return OkStatus();
                 });
}

}  // namespace market::escrow
