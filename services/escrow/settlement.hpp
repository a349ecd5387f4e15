// Settlement: the money operations on one milestone of a contract whose row the caller has
// locked (FindContract with Lock::kForUpdate), shared by the handlers, the auto-approval worker
// and dispute resolution. Each posts one ledger transfer, updates the milestone record in
// memory and adds its event to `writes`; Finish adds the milestone's new state, and the caller
// flushes `writes` in the same transaction (pending_writes.hpp).
//
// Lock order, the same everywhere so that concurrent calls cannot deadlock: the contract row,
// then the ledger accounts in id order (ledger.hpp).
#pragma once

#include <cstdint>

#include <pqxx/result>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "ledger.hpp"
#include "market/common/statusor.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "pending_writes.hpp"
#include "release_plan.hpp"

namespace market::escrow {

// Pays `gross` of the milestone's held amount to the freelancer (fee, locked FX rate, tax
// withheld by the freelancer's withholding rule, tax_profiles.hpp).
StatusOr<v1::Release> ReleaseHeld(pqxx::work& tx, PendingWrites& writes,
                                  const ContractRecord& contract, MilestoneRecord& milestone,
                                  std::int64_t gross, bool automatic);

// Returns `amount` of the milestone's held amount to the client's wallet.
Status RefundHeld(pqxx::work& tx, PendingWrites& writes, const ContractRecord& contract,
                  MilestoneRecord& milestone, std::int64_t amount);

// The two halves of each, for a movement whose transfer another step posts (movement_batch.hpp):
// the transfer to post, then what follows once it is posted.
struct PlannedRelease {
  std::int64_t gross = 0;
  ReleasePlan plan;
  TransferSpec transfer;
};
StatusOr<PlannedRelease> PlanReleaseOf(pqxx::work& tx, const ContractRecord& contract,
                                       const MilestoneRecord& milestone, std::int64_t gross);
// Moves the milestone's amounts (in memory) and enqueues MilestoneReleased.
v1::Release RecordRelease(PendingWrites& writes, const ContractRecord& contract,
                          MilestoneRecord& milestone, const PlannedRelease& release,
                          std::int64_t transfer_id, bool automatic);

StatusOr<TransferSpec> RefundTransferOf(const ContractRecord& contract,
                                        const MilestoneRecord& milestone, std::int64_t amount);
// Moves the milestone's amounts (in memory) and enqueues MilestoneRefunded.
void RecordRefund(PendingWrites& writes, const ContractRecord& contract, MilestoneRecord& milestone,
                  std::int64_t amount);

// Moves `amount` of the milestone's held amount to `next` (same escrow account, so no transfer):
// up to what `next` still lacks; returns how much moved.
std::int64_t RollHeld(MilestoneRecord& milestone, MilestoneRecord& next, std::int64_t amount);

// Puts the milestone (one of contract.milestones) in `state`, and completes a fixed-price
// contract when every milestone is settled (with ContractCompleted).
void Finish(PendingWrites& writes, ContractRecord& contract, MilestoneRecord& milestone,
            const std::string& state);

// failed_precondition with ErrorInfo reason ALREADY_RESOLVED (money rule 5) when the milestone
// is settled; otherwise failed_precondition naming the state when it is not `wanted`.
Status RequireState(const MilestoneRecord& milestone, const std::string& wanted,
                    const std::string& action);

}  // namespace market::escrow
