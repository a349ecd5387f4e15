#include "auto_approver.hpp"

#include "contract_repository.hpp"
#include "market/common/log.hpp"
#include "market/pg/transaction.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

// The contract row is the lock every change to a milestone takes first (settlement.hpp).
inline constexpr std::string_view kLockOneDue = R"(
  SELECT c.id::text AS contract_id, m.id::text AS milestone_id
  FROM milestones m JOIN contracts c ON c.id = m.contract_id
  WHERE m.state = 'submitted' AND m.review_deadline <= now()
  ORDER BY m.review_deadline
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED)";

}  // namespace

StatusOr<bool> AutoApprover::ApproveOneDue() {
  std::string released_id;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, [&](pqxx::work& tx) -> Status {
    released_id.clear();
    const pqxx::result due = tx.exec(std::string(kLockOneDue));
    if (due.empty()) return OkStatus();
    const std::string milestone_id = due[0]["milestone_id"].as<std::string>();
    std::optional<ContractRecord> contract =
        FindContract(tx, due[0]["contract_id"].as<std::string>(), Lock::kForUpdate);
    MilestoneRecord* milestone = FindMilestone(*contract, milestone_id);
    if (milestone == nullptr || milestone->state != "submitted" || milestone->held <= 0) {
      return OkStatus();
    }
    PendingWrites writes;
    MARKET_ASSIGN_OR_RETURN(const v1::Release release,
                            ReleaseHeld(tx, writes, *contract, *milestone, milestone->held, true));
    Finish(writes, *contract, *milestone, "released");
    if (milestone->kind == "invoice") {
      // A weekly invoice whose review window passed without a dispute (invoicing.hpp).
      v1::InvoiceReleased event;
      event.set_contract_id(contract->id);
      event.set_invoice_id(milestone->id);
      event.set_freelancer_id(contract->freelancer_id);
      *event.mutable_release() = release;
      writes.Event(contract->id, event);
    }
    MARKET_RETURN_IF_ERROR(writes.Flush(tx));
    released_id = milestone_id;
    return OkStatus();
  }));
  if (released_id.empty()) return false;
  log::Info("milestone approved automatically", {{"milestone_id", released_id}});
  return true;
}

PeriodicTask::Outcome AutoApprover::Step() {
  const StatusOr<bool> released = ApproveOneDue();
  if (!released.ok()) {
    log::Warn("auto-approval failed", {{"error", released.status().ToString()}});
    return PeriodicTask::Outcome::kFailed;
  }
  return *released ? PeriodicTask::Outcome::kMoreWork : PeriodicTask::Outcome::kIdle;
}

}  // namespace market::escrow
