#include "settlement.hpp"

#include <algorithm>

#include "escrow_proto.hpp"
#include "ledger.hpp"
#include "market/connect/error_details.hpp"
#include "tax_profiles.hpp"

namespace market::escrow {

StatusOr<PlannedRelease> PlanReleaseOf(pqxx::work& tx, const ContractRecord& contract,
                                       const MilestoneRecord& milestone, std::int64_t gross) {
  if (gross <= 0 || gross > milestone.held) {
    return InternalError("a release beyond the held amount was refused");
  }
  // Withholding follows the freelancer's tax status at the moment of release (money rule 6:
  // its leg is part of the release's one transfer).
  const TaxStanding tax = contract.freelancer_tax ? *contract.freelancer_tax
                                                  : TaxStandingOf(tx, contract.freelancer_id,
                                                                  contract.freelancer_country);
  MARKET_ASSIGN_OR_RETURN(ReleasePlan plan, PlanRelease(contract, gross, tax.withholding_bps));
  TransferSpec transfer{.kind = "release",
                        .contract_id = contract.id,
                        .milestone_id = milestone.id,
                        .legs = plan.legs};
  return PlannedRelease{.gross = gross, .plan = std::move(plan), .transfer = std::move(transfer)};
}

v1::Release RecordRelease(PendingWrites& writes, const ContractRecord& contract,
                          MilestoneRecord& milestone, const PlannedRelease& release,
                          std::int64_t transfer_id, bool automatic) {
  milestone.held -= release.gross;
  milestone.released += release.gross;
  v1::MilestoneReleased event;
  event.set_contract_id(contract.id);
  event.set_milestone_id(milestone.id);
  event.set_freelancer_id(contract.freelancer_id);
  ToProto(release.plan, contract, transfer_id, *event.mutable_release());
  event.set_automatic(automatic);
  writes.Event(contract.id, event);
  return event.release();
}

StatusOr<v1::Release> ReleaseHeld(pqxx::work& tx, PendingWrites& writes,
                                  const ContractRecord& contract, MilestoneRecord& milestone,
                                  std::int64_t gross, bool automatic) {
  MARKET_ASSIGN_OR_RETURN(const PlannedRelease release,
                          PlanReleaseOf(tx, contract, milestone, gross));
  MARKET_ASSIGN_OR_RETURN(const PostedTransfer posted, PostTransfer(tx, release.transfer));
  return RecordRelease(writes, contract, milestone, release, posted.id, automatic);
}

StatusOr<TransferSpec> RefundTransferOf(const ContractRecord& contract,
                                        const MilestoneRecord& milestone, std::int64_t amount) {
  if (amount <= 0 || amount > milestone.held) {
    return InternalError("a refund beyond the held amount was refused");
  }
  return TransferSpec{.kind = "refund",
                      .contract_id = contract.id,
                      .milestone_id = milestone.id,
                      .legs = {{Escrow(contract.id, contract.currency), -amount},
                               {Wallet(contract.client_id, contract.currency), amount}}};
}

void RecordRefund(PendingWrites& writes, const ContractRecord& contract, MilestoneRecord& milestone,
                  std::int64_t amount) {
  milestone.held -= amount;
  milestone.refunded += amount;
  v1::MilestoneRefunded event;
  event.set_contract_id(contract.id);
  event.set_milestone_id(milestone.id);
  event.set_client_id(contract.client_id);
  *event.mutable_amount() = MoneyProto(contract.currency, amount);
  writes.Event(contract.id, event);
}

Status RefundHeld(pqxx::work& tx, PendingWrites& writes, const ContractRecord& contract,
                  MilestoneRecord& milestone, std::int64_t amount) {
  if (amount == 0) return OkStatus();
  MARKET_ASSIGN_OR_RETURN(const TransferSpec transfer,
                          RefundTransferOf(contract, milestone, amount));
  MARKET_RETURN_IF_ERROR(PostTransfer(tx, transfer).status());
  RecordRefund(writes, contract, milestone, amount);
  return OkStatus();
}

std::int64_t RollHeld(MilestoneRecord& milestone, MilestoneRecord& next, std::int64_t amount) {
  const std::int64_t moved = std::min(amount, std::max<std::int64_t>(0, next.amount - next.held));
  milestone.held -= moved;
  next.held += moved;
  return moved;
}

void Finish(PendingWrites& writes, ContractRecord& contract, MilestoneRecord& milestone,
            const std::string& state) {
  milestone.state = state;
  milestone.cancel_requested_by.clear();
  milestone.review_deadline_micros.reset();
  writes.Milestone(milestone);
  if (!IsSettled(state) || contract.kind != "fixed_price" || contract.state != "active" ||
      !AllSettledBut(contract, milestone.id)) {
    return;
  }
  contract.state = "completed";
  writes.ContractCompleted(contract.id);
  v1::ContractCompleted event;
  event.set_contract_id(contract.id);
  event.set_client_id(contract.client_id);
  event.set_freelancer_id(contract.freelancer_id);
  std::int64_t released = 0, refunded = 0;
  for (const MilestoneRecord& m : contract.milestones) {
    released += m.released;
    refunded += m.refunded;
  }
  *event.mutable_released() = MoneyProto(contract.currency, released);
  *event.mutable_refunded() = MoneyProto(contract.currency, refunded);
  writes.Event(contract.id, event);
}

Status RequireState(const MilestoneRecord& milestone, const std::string& wanted,
                    const std::string& action) {
  if (IsSettled(milestone.state)) {
    return FailedPreconditionError("milestone: already resolved (" + milestone.state +
                                   "); its held amount cannot move again")
        .WithDetail(connect::ErrorInfo("ALREADY_RESOLVED", "escrow.market"));
  }
  if (milestone.state != wanted) {
    return FailedPreconditionError("milestone: is " + milestone.state + "; only a " + wanted +
                                   " milestone can be " + action);
  }
  return OkStatus();
}

}  // namespace market::escrow
