// AutoApprover: approves a submitted milestone in full once its review window has passed in
// silence (DESIGN.md, escrow), on database time; likewise a weekly invoice in review
// (invoicing.hpp), which is a submitted milestone of its hourly contract.
//
//   AutoApprover approver(parts.pg);
//   parts.background.Add({.name = "escrow-auto-approve", .interval = 1s},
//                        [&approver] { return approver.Step(); });
//
// Each step takes one due milestone in its own transaction, locking its contract row with
// SKIP LOCKED, so any number of workers on any number of hosts take disjoint milestones, and a
// milestone a client is approving, or a party is disputing, at that moment is left alone. The
// state is checked again under the lock, so a milestone released, refunded or disputed
// meanwhile is never released twice (money rule 5).
#pragma once

#include "market/common/periodic_task.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::escrow {

class AutoApprover {
 public:
  // `pool` must outlive the approver.
  explicit AutoApprover(pg::Pool& pool) : pool_(pool) {}

  // Releases at most one due milestone; true when it did.
  StatusOr<bool> ApproveOneDue();

  // ApproveOneDue as a background step: more work after a release, idle when none was due.
  PeriodicTask::Outcome Step();

 private:
  pg::Pool& pool_;
};

}  // namespace market::escrow
