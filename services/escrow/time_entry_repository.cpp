#include "time_entry_repository.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kColumns = R"(
  id::text AS id, contract_id::text AS contract_id,
  (extract(epoch FROM week_start) * 1000000)::bigint AS week_start_micros,
  (extract(epoch FROM started_at) * 1000000)::bigint AS started_at_micros, minutes, memo,
  (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros)";

// Parameter `n`, unix microseconds, as a timestamptz, without any time zone arithmetic.
std::string Micros(int n) {
  return "('epoch'::timestamptz + $" + std::to_string(n) + "::bigint * interval '1 microsecond')";
}

TimeEntryRecord ReadEntry(const pqxx::row& row) {
  return TimeEntryRecord{row["id"].as<std::string>(),
                         row["contract_id"].as<std::string>(),
                         row["week_start_micros"].as<std::int64_t>(),
                         row["started_at_micros"].as<std::int64_t>(),
                         row["minutes"].as<int>(),
                         row["memo"].as<std::string>(),
                         row["created_at_micros"].as<std::int64_t>()};
}

}  // namespace

std::int64_t DatabaseNowMicros(pqxx::work& tx) {
  return tx
      .exec1("SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now_micros")["now_micros"]
      .as<std::int64_t>();
}

std::vector<TimeEntryRecord> ListWeek(pqxx::work& tx, const std::string& contract_id,
                                      std::int64_t week_start_micros) {
  const std::string sql = "SELECT " + std::string(kColumns) +
                          " FROM time_entries WHERE contract_id = $1::uuid"
                          " AND week_start = " +
                          Micros(2) + " ORDER BY started_at, id";
  std::vector<TimeEntryRecord> entries;
  for (const auto& row : tx.exec_params(sql, contract_id, week_start_micros)) {
    entries.push_back(ReadEntry(row));
  }
  return entries;
}

bool OverlapsAny(pqxx::work& tx, const std::string& contract_id, std::int64_t start_micros,
                 int minutes) {
  const std::string sql =
      std::string(
          "SELECT 1 FROM time_entries WHERE contract_id = $1::uuid"
          " AND tstzrange(started_at, started_at + minutes * interval '1 minute')"
          " && tstzrange(") +
      Micros(2) + ", " + Micros(2) + " + $3::integer * interval '1 minute') LIMIT 1";
  return !tx.exec_params(sql, contract_id, start_micros, minutes).empty();
}

TimeEntryRecord InsertTimeEntry(pqxx::work& tx, const TimeEntryRecord& entry) {
  const std::string sql =
      "INSERT INTO time_entries (contract_id, week_start, started_at, minutes, memo)"
      " VALUES ($1::uuid, " +
      Micros(2) + ", " + Micros(3) + ", $4::integer, $5) RETURNING " + std::string(kColumns);
  return ReadEntry(tx.exec_params1(sql, entry.contract_id, entry.week_start_micros,
                                   entry.started_at_micros, entry.minutes, entry.memo));
}

std::optional<TimeEntryRecord> FindTimeEntry(pqxx::work& tx, const std::string& contract_id,
                                             const std::string& entry_id) {
  const std::string sql = "SELECT " + std::string(kColumns) +
                          " FROM time_entries WHERE id = $1::uuid AND contract_id = $2::uuid";
  const pqxx::result rows = tx.exec_params(sql, entry_id, contract_id);
  if (rows.empty()) return std::nullopt;
  return ReadEntry(rows[0]);
}

void DeleteTimeEntry(pqxx::work& tx, const std::string& entry_id) {
  tx.exec_params("DELETE FROM time_entries WHERE id = $1::uuid", entry_id);
}

}  // namespace market::escrow
