// Invoicing: closing an hourly contract's week into an invoice and funding it, on a contract whose
// row the caller has locked (lock order as in settlement.hpp: the contract row, then the ledger
// accounts in id order). Used by the background worker (invoice_worker.hpp).
//
//   MARKET_ASSIGN_OR_RETURN(const std::optional<std::string> id,
//                           CloseWeek(tx, contract, week.week_start_micros));
//
// A closed week's invoice is funded from the client's wallet into the contract's escrow in the
// same transaction and enters review (state "submitted", deadline the contract's invoice review
// window from now on database time), so the auto-approval worker releases it like a milestone
// when the window passes. A wallet that cannot cover it leaves it payment due ("pending",
// nothing held) and pauses an active contract. Money leaves escrow only through settlement.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "market/common/statusor.hpp"

namespace market::escrow {

// Closes the contract's week starting at `week_start_micros` into an invoice and funds it when
// the client's wallet covers it; the invoice's id, or nullopt when the week holds no entries
// or is invoiced already. Enqueues InvoiceIssued (and MilestoneFunded or ContractPaused).
StatusOr<std::optional<std::string>> CloseWeek(pqxx::work& tx, ContractRecord& contract,
                                               std::int64_t week_start_micros);

// Funds a payment-due invoice in full from the client's wallet and starts its review; false
// (and nothing written) when the wallet holds too little.
StatusOr<bool> FundInvoice(pqxx::work& tx, const ContractRecord& contract,
                           MilestoneRecord& invoice);

}  // namespace market::escrow
