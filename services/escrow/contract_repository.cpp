#include "contract_repository.hpp"

#include <algorithm>
#include <map>

#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"
#include "tax_standing_sql.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kContractColumns = R"(
  c.id::text AS id, c.source, c.source_id, c.title, c.client_id::text AS client_id,
  c.client_country, c.freelancer_id::text AS freelancer_id, c.freelancer_country, c.currency,
  c.payout_currency, c.fx_rate::text AS fx_rate,
  (extract(epoch FROM c.fx_quoted_at) * 1000000)::bigint AS fx_quoted_at_micros,
  c.freelancer_fee_bps, c.review_window_seconds, c.dispute_response_window_seconds,
  c.invoice_review_window_seconds, c.clock_offset_seconds, c.state,
  (extract(epoch FROM c.created_at) * 1000000)::bigint AS created_at_micros, c.kind,
  COALESCE(c.hourly_rate, 0) AS hourly_rate, COALESCE(c.weekly_hour_limit, 0) AS weekly_hour_limit,
  COALESCE(to_char(c.start_date, 'YYYY-MM-DD'), '') AS start_date, c.ended_by,
  (extract(epoch FROM c.ended_at) * 1000000)::bigint AS ended_at_micros)";

inline constexpr std::string_view kInsertContract = R"(
  INSERT INTO contracts (source, source_id, title, client_id, client_country, freelancer_id,
                         freelancer_country, currency, payout_currency, fx_rate, fx_quoted_at,
                         freelancer_fee_bps, review_window_seconds,
                         dispute_response_window_seconds, kind, hourly_rate, weekly_hour_limit,
                         start_date, invoice_review_window_seconds)
  VALUES ($1, $2, $3, $4::uuid, $5, $6::uuid, $7, $8, $9, $10::numeric,
          'epoch'::timestamptz + $11::bigint * interval '1 microsecond', $12, $13, $14, $15,
          NULLIF($16::bigint, 0), NULLIF($17::integer, 0),
          -- The creation day in UTC when no start date was given.
          CASE WHEN $15 = 'hourly'
               THEN COALESCE(NULLIF($18, '')::date, (now() AT TIME ZONE 'UTC')::date) END,
          $19)
  ON CONFLICT (source, source_id) DO NOTHING
  RETURNING id::text AS id)";

inline constexpr std::string_view kInsertMilestones = R"(
  INSERT INTO milestones (contract_id, position, title, amount)
  SELECT $1::uuid, u.position, u.title, u.amount
  FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS u(title, amount, position))";

inline constexpr std::string_view kSelectIdBySource = R"(
  SELECT id::text AS id FROM contracts WHERE source = $1 AND source_id = $2)";

// Every milestone of the contracts in $1, and the milestones named in $2 of the contracts paired
// with them in $3 (a primary-key probe each, instead of a contract's every row).
inline constexpr std::string_view kSelectMilestones = R"(
  SELECT id::text AS id, contract_id::text AS contract_id, position, title, amount, state, held,
         released, refunded, cancel_requested_by, kind,
         COALESCE((extract(epoch FROM week_start) * 1000000)::bigint, 0) AS week_start_micros,
         COALESCE(minutes, 0) AS minutes,
         (extract(epoch FROM review_deadline) * 1000000)::bigint AS review_deadline_micros
  FROM (SELECT m.* FROM milestones m WHERE m.contract_id = ANY ($1::uuid[])
        UNION ALL
        SELECT m.* FROM unnest($2::uuid[], $3::uuid[]) AS w(id, contract_id)
        JOIN milestones m ON m.id = w.id AND m.contract_id = w.contract_id
        WHERE m.id = ANY ($2::uuid[])) AS m
  ORDER BY contract_id, position)";

inline constexpr std::string_view kUpdateMilestone = R"(
  UPDATE milestones SET
    state = $2::text, held = $3::bigint, released = $4::bigint, refunded = $5::bigint,
    cancel_requested_by = $6::text,
    funded_at = CASE WHEN $3::bigint > 0 THEN COALESCE(funded_at, now()) ELSE NULL END,
    review_deadline = CASE
      WHEN $2::text <> 'submitted' THEN NULL
      WHEN state = 'submitted' THEN review_deadline
      ELSE now() + $7::bigint * interval '1 second' END
  WHERE id = $1::uuid
  RETURNING (extract(epoch FROM review_deadline) * 1000000)::bigint AS review_deadline_micros)";

// Several milestones in one statement, each row as the caller's record has it: the review
// deadline too. The "id = ANY" condition keeps the plan an index probe per row whatever the
// planner guesses of the unnest (it guesses a hundred rows and would rather scan the table).
inline constexpr std::string_view kUpdateMilestones = R"(
  UPDATE milestones m SET
    state = u.state, held = u.held, released = u.released, refunded = u.refunded,
    cancel_requested_by = u.cancel_requested_by,
    funded_at = CASE WHEN u.held > 0 THEN COALESCE(m.funded_at, now()) ELSE NULL END,
    review_deadline = CASE WHEN u.state = 'submitted' THEN COALESCE(
      'epoch'::timestamptz + NULLIF(u.deadline, -1) * interval '1 microsecond',
      m.review_deadline) END
  FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[],
              $7::bigint[]) AS u(id, state, held, released, refunded, cancel_requested_by,
                                 deadline)
  WHERE m.id = u.id AND m.id = ANY ($1::uuid[]))";

inline constexpr std::string_view kMarkCompleted = R"(
  UPDATE contracts SET state = 'completed'
  WHERE id = ANY ($1::uuid[]) AND state = 'active' AND kind = 'fixed_price')";

// The contracts of a batch, locked in id order (ORDER BY runs before the row locks), with the
// transaction's start on database time and each freelancer's tax standing (only the contracts
// are locked: a tax profile changes without them).
inline constexpr std::string_view kLockContracts =
    "SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now_micros, {columns}, tax.* "
    "FROM contracts c LEFT JOIN LATERAL (" MARKET_TAX_STANDING_SQL(
        "c.freelancer_id", "c.freelancer_country") ") AS tax ON true "
    "WHERE c.id = ANY ($1::uuid[]) ORDER BY c.id FOR UPDATE OF c";

inline constexpr std::string_view kWriteContractState = R"(
  UPDATE contracts SET state = $2::text, ended_by = $3::text,
    ended_at = CASE WHEN $2::text = 'ended' THEN now() END
  WHERE id = $1::uuid)";

inline constexpr std::string_view kSelectFxRate = R"(
  SELECT base_currency, quote_currency, rate::text AS rate,
         (extract(epoch FROM quoted_at) * 1000000)::bigint AS quoted_at_micros
  FROM fx_rates WHERE base_currency = $1 AND quote_currency = $2)";

inline constexpr std::string_view kSelectFxRates = R"(
  SELECT base_currency, quote_currency, rate::text AS rate,
         (extract(epoch FROM quoted_at) * 1000000)::bigint AS quoted_at_micros
  FROM fx_rates WHERE $1 = '' OR base_currency = $1
  ORDER BY base_currency, quote_currency)";

inline constexpr std::string_view kUpsertFxRate = R"(
  INSERT INTO fx_rates AS f (base_currency, quote_currency, rate, quoted_at)
  VALUES ($1, $2, $3::numeric, 'epoch'::timestamptz + $4::bigint * interval '1 microsecond')
  ON CONFLICT (base_currency, quote_currency) DO UPDATE
    SET rate = EXCLUDED.rate, quoted_at = EXCLUDED.quoted_at, loaded_at = now()
    WHERE f.quoted_at < EXCLUDED.quoted_at
  RETURNING 1 AS stored)";

ContractRecord ReadContract(const pqxx::row& row) {
  ContractRecord c;
  c.id = row["id"].as<std::string>();
  c.source = row["source"].as<std::string>();
  c.source_id = row["source_id"].as<std::string>();
  c.title = row["title"].as<std::string>();
  c.client_id = row["client_id"].as<std::string>();
  c.client_country = row["client_country"].as<std::string>();
  c.freelancer_id = row["freelancer_id"].as<std::string>();
  c.freelancer_country = row["freelancer_country"].as<std::string>();
  c.currency = row["currency"].as<std::string>();
  c.payout_currency = row["payout_currency"].as<std::string>();
  c.fx_rate = row["fx_rate"].as<std::string>();
  c.fx_quoted_at_micros = row["fx_quoted_at_micros"].as<std::int64_t>();
  c.freelancer_fee_bps = row["freelancer_fee_bps"].as<int>();
  c.review_window_seconds = row["review_window_seconds"].as<std::int64_t>();
  c.dispute_response_window_seconds = row["dispute_response_window_seconds"].as<std::int64_t>();
  c.invoice_review_window_seconds = row["invoice_review_window_seconds"].as<std::int64_t>();
  c.clock_offset_seconds = row["clock_offset_seconds"].as<std::int64_t>();
  c.state = row["state"].as<std::string>();
  c.created_at_micros = row["created_at_micros"].as<std::int64_t>();
  c.kind = row["kind"].as<std::string>();
  c.hourly_rate = row["hourly_rate"].as<std::int64_t>();
  c.weekly_hour_limit = row["weekly_hour_limit"].as<int>();
  c.start_date = row["start_date"].as<std::string>();
  c.ended_by = row["ended_by"].as<std::string>();
  if (!row["ended_at_micros"].is_null()) {
    c.ended_at_micros = row["ended_at_micros"].as<std::int64_t>();
  }
  return c;
}

MilestoneRecord ReadMilestone(const pqxx::row& row) {
  MilestoneRecord m;
  m.id = row["id"].as<std::string>();
  m.contract_id = row["contract_id"].as<std::string>();
  m.position = row["position"].as<int>();
  m.title = row["title"].as<std::string>();
  m.amount = row["amount"].as<std::int64_t>();
  m.state = row["state"].as<std::string>();
  m.held = row["held"].as<std::int64_t>();
  m.released = row["released"].as<std::int64_t>();
  m.refunded = row["refunded"].as<std::int64_t>();
  m.cancel_requested_by = row["cancel_requested_by"].as<std::string>();
  m.kind = row["kind"].as<std::string>();
  m.week_start_micros = row["week_start_micros"].as<std::int64_t>();
  m.minutes = row["minutes"].as<int>();
  if (!row["review_deadline_micros"].is_null()) {
    m.review_deadline_micros = row["review_deadline_micros"].as<std::int64_t>();
  }
  return m;
}

void LoadMilestones(pqxx::work& tx, ContractRecord& contract) {
  contract.milestones.clear();
  for (const auto& row :
       pg::Exec(tx, kSelectMilestones, pg::ToArrayLiteral({contract.id}), "{}", "{}")) {
    contract.milestones.push_back(ReadMilestone(row));
  }
}

FxRateRecord ReadFxRate(const pqxx::row& row) {
  return FxRateRecord{row["base_currency"].as<std::string>(),
                      row["quote_currency"].as<std::string>(), row["rate"].as<std::string>(),
                      row["quoted_at_micros"].as<std::int64_t>()};
}

}  // namespace

std::pair<ContractRecord, bool> InsertContract(pqxx::work& tx, const NewContract& contract) {
  const ContractRecord& t = contract.terms;
  const pqxx::result inserted = tx.exec_params(
      std::string(kInsertContract), t.source, t.source_id, t.title, t.client_id, t.client_country,
      t.freelancer_id, t.freelancer_country, t.currency, t.payout_currency, t.fx_rate,
      t.fx_quoted_at_micros, t.freelancer_fee_bps, t.review_window_seconds,
      t.dispute_response_window_seconds, t.kind, t.hourly_rate, t.weekly_hour_limit, t.start_date,
      t.invoice_review_window_seconds);
  bool created = !inserted.empty();
  std::string id;
  if (created) {
    id = inserted[0]["id"].as<std::string>();
    std::vector<std::string> titles, amounts;
    for (const auto& [title, amount] : contract.milestones) {
      titles.push_back(title);
      amounts.push_back(std::to_string(amount));
    }
    tx.exec_params(std::string(kInsertMilestones), id, pg::ToArrayLiteral(titles),
                   pg::ToArrayLiteral(amounts));
  } else {
    id = tx.exec_params1(std::string(kSelectIdBySource), t.source, t.source_id)["id"]
             .as<std::string>();
  }
  return {*FindContract(tx, id, Lock::kNone), created};
}

std::optional<ContractRecord> FindContract(pqxx::work& tx, const std::string& contract_id,
                                           Lock lock) {
  const std::string sql = "SELECT " + std::string(kContractColumns) +
                          " FROM contracts c WHERE c.id = $1::uuid" +
                          (lock == Lock::kForUpdate ? " FOR UPDATE" : "");
  const pqxx::result rows = pg::Exec(tx, sql, contract_id);
  if (rows.empty()) return std::nullopt;
  ContractRecord contract = ReadContract(rows[0]);
  LoadMilestones(tx, contract);
  return contract;
}

std::vector<ContractRecord> ListContractsOf(
    pqxx::work& tx, const std::string& user_id,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit) {
  const std::string sql =
      "SELECT " + std::string(kContractColumns) +
      " FROM contracts c WHERE (c.client_id = $1::uuid OR c.freelancer_id = $1::uuid)"
      " AND ($2 = '' OR (c.created_at, c.id) <"
      " ('epoch'::timestamptz + NULLIF($2, '')::bigint * interval '1 microsecond',"
      " NULLIF($3, '')::uuid))"
      " ORDER BY c.created_at DESC, c.id DESC LIMIT $4";
  // No cursor: both parameters empty.
  const std::string after_micros = after ? std::to_string(after->first) : "";
  const std::string after_id = after ? after->second : "";
  const pqxx::result rows = tx.exec_params(sql, user_id, after_micros, after_id, limit);
  std::vector<ContractRecord> contracts;
  for (const auto& row : rows) {
    contracts.push_back(ReadContract(row));
    LoadMilestones(tx, contracts.back());
  }
  return contracts;
}

MilestoneRecord* FindMilestone(ContractRecord& contract, const std::string& milestone_id) {
  const auto it = std::find_if(contract.milestones.begin(), contract.milestones.end(),
                               [&](const MilestoneRecord& m) { return m.id == milestone_id; });
  return it == contract.milestones.end() ? nullptr : &*it;
}

std::optional<std::int64_t> WriteMilestone(pqxx::work& tx, const MilestoneRecord& milestone,
                                           std::int64_t review_window_seconds) {
  const pqxx::row written = pg::Exec1(tx, kUpdateMilestone, milestone.id, milestone.state,
                                      milestone.held, milestone.released, milestone.refunded,
                                      milestone.cancel_requested_by, review_window_seconds);
  if (written["review_deadline_micros"].is_null()) return std::nullopt;
  return written["review_deadline_micros"].as<std::int64_t>();
}

LockedContracts LockContracts(pqxx::work& tx, const std::vector<ContractToLock>& wanted) {
  LockedContracts locked;
  if (wanted.empty()) return locked;
  static const std::string sql = [] {
    std::string text(kLockContracts);
    text.replace(text.find("{columns}"), 9, kContractColumns);
    return text;
  }();
  std::vector<std::string> ids, whole, only_milestones, only_contracts;
  for (const ContractToLock& contract : wanted) {
    ids.push_back(contract.id);
    if (contract.only_milestone_id.empty()) {
      whole.push_back(contract.id);
    } else {
      only_milestones.push_back(contract.only_milestone_id);
      only_contracts.push_back(contract.id);
    }
  }
  std::map<std::string, std::size_t> by_id;
  for (const auto& row : pg::Exec(tx, sql, pg::ToArrayLiteral(ids))) {
    locked.now_micros = row["now_micros"].as<std::int64_t>();
    by_id.emplace(row["id"].as<std::string>(), locked.contracts.size());
    locked.contracts.push_back(ReadContract(row));
    ContractRecord& contract = locked.contracts.back();
    contract.freelancer_tax = ReadTaxStanding(row, contract.freelancer_country);
  }
  if (locked.contracts.empty()) return locked;
  for (const auto& row :
       pg::Exec(tx, kSelectMilestones, pg::ToArrayLiteral(whole),
                pg::ToArrayLiteral(only_milestones), pg::ToArrayLiteral(only_contracts))) {
    const auto it = by_id.find(row["contract_id"].as<std::string>());
    if (it != by_id.end()) locked.contracts[it->second].milestones.push_back(ReadMilestone(row));
  }
  return locked;
}

void WriteMilestones(pqxx::work& tx, const std::vector<const MilestoneRecord*>& milestones) {
  if (milestones.empty()) return;
  std::vector<std::string> ids, states, held, released, refunded, cancel_requested_by, deadlines;
  for (const MilestoneRecord* m : milestones) {
    ids.push_back(m->id);
    states.push_back(m->state);
    held.push_back(std::to_string(m->held));
    released.push_back(std::to_string(m->released));
    refunded.push_back(std::to_string(m->refunded));
    cancel_requested_by.push_back(m->cancel_requested_by);
    deadlines.push_back(m->review_deadline_micros ? std::to_string(*m->review_deadline_micros)
                                                  : "-1");
  }
  pg::Exec(tx, kUpdateMilestones, pg::ToArrayLiteral(ids), pg::ToArrayLiteral(states),
           pg::ToArrayLiteral(held), pg::ToArrayLiteral(released), pg::ToArrayLiteral(refunded),
           pg::ToArrayLiteral(cancel_requested_by), pg::ToArrayLiteral(deadlines));
}

void MarkContractsCompleted(pqxx::work& tx, const std::vector<std::string>& contract_ids) {
  if (contract_ids.empty()) return;
  pg::Exec(tx, kMarkCompleted, pg::ToArrayLiteral(contract_ids));
}

bool AllSettledBut(const ContractRecord& contract, const std::string& milestone_id) {
  return std::all_of(
      contract.milestones.begin(), contract.milestones.end(),
      [&](const MilestoneRecord& m) { return m.id == milestone_id || IsSettled(m.state); });
}

bool IsSettled(const std::string& milestone_state) {
  return milestone_state == "released" || milestone_state == "cancelled" ||
         milestone_state == "resolved";
}

ContractRecord WriteContractState(pqxx::work& tx, const std::string& contract_id,
                                  const std::string& state, const std::string& ended_by) {
  tx.exec_params(std::string(kWriteContractState), contract_id, state, ended_by);
  return *FindContract(tx, contract_id, Lock::kNone);
}

std::optional<FxRateRecord> FindFxRate(pqxx::work& tx, const std::string& base,
                                       const std::string& quote) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectFxRate), base, quote);
  if (rows.empty()) return std::nullopt;
  return ReadFxRate(rows[0]);
}

std::vector<FxRateRecord> ListFxRates(pqxx::work& tx, const std::string& base_filter) {
  std::vector<FxRateRecord> rates;
  for (const auto& row : tx.exec_params(std::string(kSelectFxRates), base_filter)) {
    rates.push_back(ReadFxRate(row));
  }
  return rates;
}

bool StoreFxRateIfNewer(pqxx::work& tx, const FxRateRecord& rate) {
  return !tx.exec_params(std::string(kUpsertFxRate), rate.base_currency, rate.quote_currency,
                         rate.rate, rate.quoted_at_micros)
              .empty();
}

}  // namespace market::escrow
