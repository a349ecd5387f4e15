// The ledger check (DESIGN.md, escrow, "Operator views"): every balance recomputed from the
// transfers, in one consistent snapshot, with the figures that show why it passes or fails.
//
//   pg::InTransaction(pool, {.isolation = pg::Isolation::kRepeatableRead, .read_only = true},
//                     [&](pqxx::work& tx) -> Status { *response = RunLedgerCheck(tx); ... });
//
// It fails when an account's stored balance differs from the sum of its legs, a currency's
// balances do not sum to zero (money rule 2), a transfer does not balance per currency, a wallet
// or escrow balance is negative (rule 3), or a contract's escrow balance differs from what its
// milestones hold.
#pragma once

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/escrow/v1/escrow.pb.h"

namespace market::escrow {

v1::CheckLedgerResponse RunLedgerCheck(pqxx::work& tx);

}  // namespace market::escrow
