// InvoiceRepository: the SQL of weekly invoices, run inside the caller's transaction. An invoice
// is a milestone row of its hourly contract with kind 'invoice' (migrations/005_invoices.sql),
// so the money operations of settlement.hpp move it like any milestone; this file reads it with
// its contract's terms, closes weeks into it and finds the work for the background worker.
//
//   std::optional<WeekToClose> week = LockWeekToClose(tx, std::nullopt);  // database now()
//   const std::string id = InsertInvoice(tx, contract, week->week_start_micros, minutes, amount);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "time_entry_repository.hpp"

namespace market::escrow {

// An invoice with what its proto shows of its contract.
struct InvoiceRecord {
  std::string id;
  std::string contract_id;
  std::int64_t week_start_micros = 0;
  int minutes = 0;
  std::int64_t amount = 0;
  std::string state;  // the milestone state: pending (payment due), submitted (in review), ...
  std::int64_t held = 0;
  std::int64_t released = 0;
  std::int64_t refunded = 0;
  std::int64_t issued_at_micros = 0;
  std::optional<std::int64_t> review_deadline_micros;
  // Of the contract.
  std::string currency;
  std::int64_t hourly_rate = 0;
  std::string title;
  std::string client_id;
  std::string client_country;
  std::string freelancer_id;
  std::string freelancer_country;
};

std::optional<InvoiceRecord> FindInvoice(pqxx::work& tx, const std::string& invoice_id);

struct InvoiceFilter {
  std::string party_id;     // "" for every contract (operators)
  std::string contract_id;  // "" for every contract
  std::string state;        // a milestone state, "" for all
};

// Newest week first, after the (week_start, id) cursor when given.
std::vector<InvoiceRecord> ListInvoices(
    pqxx::work& tx, const InvoiceFilter& filter,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit);

// The time entries closed into the invoice, by start.
std::vector<TimeEntryRecord> InvoiceLines(pqxx::work& tx, const std::string& invoice_id);

// True once the contract's week starting at `week_start_micros` has been closed into an invoice:
// its entries never change again.
bool WeekInvoiced(pqxx::work& tx, const std::string& contract_id, std::int64_t week_start_micros);

struct WeekToClose {
  std::string contract_id;
  std::int64_t week_start_micros = 0;
};

// The oldest week with entries not yet invoiced that has ended by `now_micros` (database now()
// when unset) plus its contract's test clock, its contract row locked FOR UPDATE SKIP LOCKED so
// that concurrent workers take different contracts.
std::optional<WeekToClose> LockWeekToClose(pqxx::work& tx, std::optional<std::int64_t> now_micros);

// A payment_due invoice whose client's wallet now covers it, oldest week first, its contract row
// locked FOR UPDATE SKIP LOCKED; (contract id, invoice id).
std::optional<std::pair<std::string, std::string>> LockPaymentDueCovered(pqxx::work& tx);

// Inserts the contract's invoice for the week, payment due (nothing held), issued now on database
// time, and marks the week's entries as closed into it; its id. The contract row must be locked.
std::string InsertInvoice(pqxx::work& tx, const ContractRecord& contract,
                          std::int64_t week_start_micros, int minutes, std::int64_t amount);

// Moves the contract's test clock forward; the new offset.
std::int64_t AdvanceClock(pqxx::work& tx, const std::string& contract_id, std::int64_t seconds);

}  // namespace market::escrow
