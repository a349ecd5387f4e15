// InvoiceWorker: the background work of weekly invoices (issue 11, item 3), on database time.
//
//   InvoiceWorker invoices(parts.pg);
//   parts.background.Add({.name = "escrow-invoices", .interval = 1s},
//                        [&invoices] { return invoices.Step(); });
//
// Each step closes at most one ended week of one hourly contract into its invoice (invoicing.hpp)
// and funds at most one payment-due invoice whose client has topped up since, each in its own
// transaction holding the contract's row lock taken FOR UPDATE SKIP LOCKED: any number of
// workers on any number of hosts take different contracts, and a unique index (one invoice per
// contract and week) backs the check made under the lock. Release after the review window is
// the auto-approval worker's (auto_approver.hpp): an invoice in review is a submitted milestone.
#pragma once

#include <cstdint>
#include <optional>

#include "market/common/periodic_task.hpp"
#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"

namespace market::escrow {

class InvoiceWorker {
 public:
  // `pool` must outlive the worker.
  explicit InvoiceWorker(pg::Pool& pool) : pool_(pool) {}

  // Closes one week that has ended by `now_micros` (unix microseconds; unset: database now())
  // into its invoice; true when it did. Tests pass a later instant to close the current week
  // without waiting for it to end.
  StatusOr<bool> CloseOneWeek(std::optional<std::int64_t> now_micros = std::nullopt);

  // Funds one payment-due invoice whose client's wallet now covers it; true when it did.
  StatusOr<bool> FundOnePaymentDue();

  // Both, on database time: more work after either did something, idle otherwise.
  PeriodicTask::Outcome Step();

 private:
  pg::Pool& pool_;
};

}  // namespace market::escrow
