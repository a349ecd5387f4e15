#include "invoice_repository.hpp"

#include <string_view>

namespace market::escrow {
namespace {

inline constexpr std::string_view kInvoiceColumns = R"(
  m.id::text AS id, m.contract_id::text AS contract_id,
  (extract(epoch FROM m.week_start) * 1000000)::bigint AS week_start_micros, m.minutes,
  m.amount, m.state, m.held, m.released, m.refunded,
  (extract(epoch FROM m.issued_at) * 1000000)::bigint AS issued_at_micros,
  (extract(epoch FROM m.review_deadline) * 1000000)::bigint AS review_deadline_micros,
  c.currency, c.hourly_rate, c.title, c.client_id::text AS client_id, c.client_country,
  c.freelancer_id::text AS freelancer_id, c.freelancer_country
  FROM milestones m JOIN contracts c ON c.id = m.contract_id)";

inline constexpr std::string_view kListFilter = R"(
  WHERE m.kind = 'invoice'
    AND ($1 = '' OR c.client_id = NULLIF($1, '')::uuid OR c.freelancer_id = NULLIF($1, '')::uuid)
    AND ($2 = '' OR m.contract_id = NULLIF($2, '')::uuid)
    AND ($3 = '' OR m.state = $3)
    AND ($4 = '' OR (m.week_start, m.id) <
         ('epoch'::timestamptz + NULLIF($4, '')::bigint * interval '1 microsecond',
          NULLIF($5, '')::uuid))
  ORDER BY m.week_start DESC, m.id DESC LIMIT $6)";

inline constexpr std::string_view kSelectLines = R"(
  SELECT id::text AS id, contract_id::text AS contract_id,
         (extract(epoch FROM week_start) * 1000000)::bigint AS week_start_micros,
         (extract(epoch FROM started_at) * 1000000)::bigint AS started_at_micros, minutes, memo,
         (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM time_entries WHERE invoice_id = $1::uuid ORDER BY started_at, id)";

inline constexpr std::string_view kWeekInvoiced = R"(
  SELECT 1 FROM milestones
  WHERE contract_id = $1::uuid AND kind = 'invoice'
    AND week_start = 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')";

// Only entries not yet invoiced (the partial index time_entries_to_invoice); the week has ended
// when its Monday is at least 7 days before the contract's time.
inline constexpr std::string_view kLockWeekToClose = R"(
  SELECT c.id::text AS contract_id,
         (extract(epoch FROM t.week_start) * 1000000)::bigint AS week_start_micros
  FROM time_entries t JOIN contracts c ON c.id = t.contract_id
  WHERE t.invoice_id IS NULL
    AND t.week_start + interval '7 days' <=
        COALESCE('epoch'::timestamptz + NULLIF($1, '')::bigint * interval '1 microsecond', now())
        + c.clock_offset_seconds * interval '1 second'
  ORDER BY t.week_start
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED)";

inline constexpr std::string_view kLockPaymentDueCovered = R"(
  SELECT c.id::text AS contract_id, m.id::text AS invoice_id
  FROM milestones m JOIN contracts c ON c.id = m.contract_id
  WHERE m.kind = 'invoice' AND m.state = 'pending'
    AND EXISTS (SELECT 1 FROM accounts a
                WHERE a.kind = 'wallet' AND a.owner = c.client_id::text
                  AND a.currency = c.currency AND a.balance >= m.amount - m.held)
  ORDER BY m.week_start
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED)";

// The contract row is locked, so max(position) + 1 cannot be taken twice.
inline constexpr std::string_view kInsertInvoice = R"(
  INSERT INTO milestones (contract_id, position, title, amount, kind, week_start, minutes,
                          issued_at)
  VALUES ($1::uuid,
          (SELECT COALESCE(max(position), 0) + 1 FROM milestones WHERE contract_id = $1::uuid),
          'Week of ' || to_char(('epoch'::timestamptz + $2::bigint * interval '1 microsecond')
                                AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
          $3::bigint, 'invoice', 'epoch'::timestamptz + $2::bigint * interval '1 microsecond',
          $4::integer, now())
  RETURNING id::text AS id)";

inline constexpr std::string_view kCloseEntries = R"(
  UPDATE time_entries SET invoice_id = $3::uuid
  WHERE contract_id = $1::uuid
    AND week_start = 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')";

inline constexpr std::string_view kAdvanceClock = R"(
  UPDATE contracts SET clock_offset_seconds = clock_offset_seconds + $2::bigint
  WHERE id = $1::uuid RETURNING clock_offset_seconds)";

InvoiceRecord ReadInvoice(const pqxx::row& row) {
  InvoiceRecord r;
  r.id = row["id"].as<std::string>();
  r.contract_id = row["contract_id"].as<std::string>();
  r.week_start_micros = row["week_start_micros"].as<std::int64_t>();
  r.minutes = row["minutes"].as<int>();
  r.amount = row["amount"].as<std::int64_t>();
  r.state = row["state"].as<std::string>();
  r.held = row["held"].as<std::int64_t>();
  r.released = row["released"].as<std::int64_t>();
  r.refunded = row["refunded"].as<std::int64_t>();
  r.issued_at_micros = row["issued_at_micros"].as<std::int64_t>();
  if (!row["review_deadline_micros"].is_null()) {
    r.review_deadline_micros = row["review_deadline_micros"].as<std::int64_t>();
  }
  r.currency = row["currency"].as<std::string>();
  r.hourly_rate = row["hourly_rate"].as<std::int64_t>();
  r.title = row["title"].as<std::string>();
  r.client_id = row["client_id"].as<std::string>();
  r.client_country = row["client_country"].as<std::string>();
  r.freelancer_id = row["freelancer_id"].as<std::string>();
  r.freelancer_country = row["freelancer_country"].as<std::string>();
  return r;
}

}  // namespace

std::optional<InvoiceRecord> FindInvoice(pqxx::work& tx, const std::string& invoice_id) {
  const std::string sql =
      "SELECT " + std::string(kInvoiceColumns) + " WHERE m.id = $1::uuid AND m.kind = 'invoice'";
  const pqxx::result rows = tx.exec_params(sql, invoice_id);
  if (rows.empty()) return std::nullopt;
  return ReadInvoice(rows[0]);
}

std::vector<InvoiceRecord> ListInvoices(
    pqxx::work& tx, const InvoiceFilter& filter,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit) {
  const std::string sql = "SELECT " + std::string(kInvoiceColumns) + std::string(kListFilter);
  // No cursor: both parameters empty.
  const std::string after_micros = after ? std::to_string(after->first) : "";
  const std::string after_id = after ? after->second : "";
  std::vector<InvoiceRecord> invoices;
  for (const auto& row : tx.exec_params(sql, filter.party_id, filter.contract_id, filter.state,
                                        after_micros, after_id, limit)) {
    invoices.push_back(ReadInvoice(row));
  }
  return invoices;
}

std::vector<TimeEntryRecord> InvoiceLines(pqxx::work& tx, const std::string& invoice_id) {
  std::vector<TimeEntryRecord> lines;
  for (const auto& row : tx.exec_params(std::string(kSelectLines), invoice_id)) {
    lines.push_back(TimeEntryRecord{
        row["id"].as<std::string>(), row["contract_id"].as<std::string>(),
        row["week_start_micros"].as<std::int64_t>(), row["started_at_micros"].as<std::int64_t>(),
        row["minutes"].as<int>(), row["memo"].as<std::string>(),
        row["created_at_micros"].as<std::int64_t>()});
  }
  return lines;
}

bool WeekInvoiced(pqxx::work& tx, const std::string& contract_id, std::int64_t week_start_micros) {
  return !tx.exec_params(std::string(kWeekInvoiced), contract_id, week_start_micros).empty();
}

std::optional<WeekToClose> LockWeekToClose(pqxx::work& tx, std::optional<std::int64_t> now_micros) {
  // No instant given: an empty parameter, and the database's now().
  const std::string now = now_micros ? std::to_string(*now_micros) : "";
  const pqxx::result rows = tx.exec_params(std::string(kLockWeekToClose), now);
  if (rows.empty()) return std::nullopt;
  return WeekToClose{rows[0]["contract_id"].as<std::string>(),
                     rows[0]["week_start_micros"].as<std::int64_t>()};
}

std::optional<std::pair<std::string, std::string>> LockPaymentDueCovered(pqxx::work& tx) {
  const pqxx::result rows = tx.exec(std::string(kLockPaymentDueCovered));
  if (rows.empty()) return std::nullopt;
  return std::pair{rows[0]["contract_id"].as<std::string>(),
                   rows[0]["invoice_id"].as<std::string>()};
}

std::string InsertInvoice(pqxx::work& tx, const ContractRecord& contract,
                          std::int64_t week_start_micros, int minutes, std::int64_t amount) {
  const std::string id = tx.exec_params1(std::string(kInsertInvoice), contract.id,
                                         week_start_micros, amount, minutes)["id"]
                             .as<std::string>();
  tx.exec_params(std::string(kCloseEntries), contract.id, week_start_micros, id);
  return id;
}

std::int64_t AdvanceClock(pqxx::work& tx, const std::string& contract_id, std::int64_t seconds) {
  return tx.exec_params1(std::string(kAdvanceClock), contract_id, seconds)["clock_offset_seconds"]
      .as<std::int64_t>();
}

}  // namespace market::escrow
