// TimeEntryRepository: the SQL of the work diary, run inside the caller's transaction with the
// contract's row already locked when it writes. Times are unix microseconds.
//
//   const std::int64_t now = DatabaseNowMicros(tx);
//   for (const TimeEntryRecord& e : ListWeek(tx, contract_id, UtcWeekStart(now))) { ... }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

namespace market::escrow {

struct TimeEntryRecord {
  std::string id;
  std::string contract_id;
  std::int64_t week_start_micros = 0;
  std::int64_t started_at_micros = 0;
  int minutes = 0;
  std::string memo;
  std::int64_t created_at_micros = 0;
};

// now() of the transaction: every diary rule runs on database time.
std::int64_t DatabaseNowMicros(pqxx::work& tx);

// The contract's entries of the week starting at `week_start_micros`, by start.
std::vector<TimeEntryRecord> ListWeek(pqxx::work& tx, const std::string& contract_id,
                                      std::int64_t week_start_micros);

// True when an entry of the contract shares any instant with [start, start + minutes).
bool OverlapsAny(pqxx::work& tx, const std::string& contract_id, std::int64_t start_micros,
                 int minutes);

TimeEntryRecord InsertTimeEntry(pqxx::work& tx, const TimeEntryRecord& entry);

std::optional<TimeEntryRecord> FindTimeEntry(pqxx::work& tx, const std::string& contract_id,
                                             const std::string& entry_id);

void DeleteTimeEntry(pqxx::work& tx, const std::string& entry_id);

}  // namespace market::escrow
