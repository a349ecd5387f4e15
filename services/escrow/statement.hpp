// Yearly statements (README, "Yearly statements"): a user's figures for one UTC year and one
// currency, added up from the ledger's legs by transfer kind and account kind, so that every
// figure is the ledger's own to the minor unit. Runs in the caller's (read-only) transaction.
//
//   const v1::YearlyStatement statement = BuildStatement(tx, account_id, 2026, "USD");
//   const std::string csv = StatementCsv(statement);
//
// As a freelancer: the legs in the currency of every release transfer of the user's contracts
// (escrow, fee, rounding, FX liquidity, withholding, the wallet), and the wallet legs of its
// payouts and their reversals. As a client: the wallet legs of its top-ups, and per contract
// in the currency the escrow account's legs: positive ones funded, release transfers' released,
// other negative ones refunded.
#pragma once

#include <string>

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/escrow/v1/payouts.pb.h"

namespace market::escrow {

v1::YearlyStatement BuildStatement(pqxx::work& tx, const std::string& account_id, int year,
                                   const std::string& currency);

// Header "section,subject,figure,currency,minor_units,amount", then one row per figure:
// earnings rows (subject empty), "client,,topped_up", "contract,<id>,funded|released|refunded"
// and "country,<code>,released". No field holds free text, so none needs quoting.
std::string StatementCsv(const v1::YearlyStatement& statement);

}  // namespace market::escrow
