#include "market/pg/migrations.hpp"

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "market/common/log.hpp"
#include "market/pg/errors.hpp"
#include "market/pg/identifier.hpp"

namespace market::pg {
namespace {

constexpr std::string_view kSelectSchema = "SELECT 1 FROM pg_namespace WHERE nspname = $1";
constexpr std::string_view kLock = "SELECT pg_advisory_lock($1::bigint)";
constexpr std::string_view kUnlock = "SELECT pg_advisory_unlock($1::bigint)";
constexpr std::string_view kChecksum =
    "SELECT encode(sha256(convert_to($1::text, 'UTF8')), 'hex') AS checksum";

std::string LedgerTable(std::string_view schema) {
  return QuoteIdentifier(schema) + ".schema_migrations";
}

std::string CreateLedgerSql(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + table +
         " (component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
         " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
         " PRIMARY KEY (component, version))";
}

std::string SelectAppliedSql(const std::string& table) {
  return "SELECT component, version, name, checksum FROM " + table;
}

std::string RecordSql(const std::string& table) {
  return "INSERT INTO " + table + " (component, version, name, checksum) VALUES ($1, $2, $3, $4)";
}

struct Step {
  const std::string* component;
  const Migration* migration;
  std::string checksum;
};

struct Applied {
  std::string name;
  std::string checksum;
};
using AppliedMap = std::map<std::pair<std::string, int>, Applied>;

// Every set's migrations in version order, sets in the order given.
StatusOr<std::vector<Step>> Plan(const std::vector<const MigrationSet*>& sets) {
  std::vector<Step> plan;
  std::set<std::string> components;
  for (const MigrationSet* set : sets) {
    if (set == nullptr) return InvalidArgumentError("migrations: a migration set is missing");
    if (set->component.empty()) return InvalidArgumentError("migrations: a component is unnamed");
    if (!components.insert(set->component).second) {
      return InvalidArgumentError("migrations: component " + set->component + " is listed twice");
    }
    std::vector<const Migration*> ordered;
    for (const Migration& migration : set->migrations) ordered.push_back(&migration);
    std::sort(ordered.begin(), ordered.end(),
              [](const Migration* a, const Migration* b) { return a->version < b->version; });
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      if (ordered[i]->version <= 0) {
        return InvalidArgumentError("migrations: " + set->component + " " + ordered[i]->name +
                                    " needs a positive version");
      }
      if (i > 0 && ordered[i]->version == ordered[i - 1]->version) {
        return InvalidArgumentError("migrations: " + set->component + " has two migrations " +
                                    "numbered " + std::to_string(ordered[i]->version));
      }
      plan.push_back({&set->component, ordered[i], ""});
    }
  }
  return plan;
}

// FNV-1a: a stable key per schema, the same in every process that migrates it.
std::int64_t LockKey(std::string_view schema) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : std::string("market.pg.migrations/") + std::string(schema)) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return std::bit_cast<std::int64_t>(hash);
}

// Names the failing step without echoing SQL or server text; the SQLSTATE tells an operator
// which kind of error to look for in the server log.
Status Describe(const std::exception& error, const std::string& what) {
  const Status mapped = StatusFromException(error);
  const std::string sqlstate = SqlState(error);
  std::string message = what + " failed";
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  return Status(mapped.code(), message + ": " + mapped.message());
}

std::string Title(const Step& step) { return *step.component + " " + step.migration->name; }

class Migrator {
 public:
  Migrator(PooledConnection& connection, std::string_view schema)
      : connection_(connection), schema_(schema), table_(LedgerTable(schema)) {}

  // Throws on database errors outside individual migrations.
  Status Run(std::vector<Step>& plan) {
    {
      pqxx::work work(*connection_);
      work.exec(CreateLedgerSql(table_));
      work.commit();
    }
    const AppliedMap applied = LoadApplied();
    ComputeChecksums(plan);
    // Every applied migration is checked before anything new runs: a deployment built from
    // edited history must not half-apply.
    for (const Step& step : plan) {
      auto found = applied.find({*step.component, step.migration->version});
      if (found == applied.end()) continue;
      if (found->second.name != step.migration->name || found->second.checksum != step.checksum) {
        return FailedPreconditionError("migration " + Title(step) +
                                       " changed after it was applied to schema " + schema_ +
                                       "; add a new migration instead of editing it");
      }
    }
    for (const Step& step : plan) {
      if (applied.contains({*step.component, step.migration->version})) continue;
      MARKET_RETURN_IF_ERROR(Apply(step));
    }
    return OkStatus();
  }

 private:
  AppliedMap LoadApplied() {
    AppliedMap applied;
    pqxx::nontransaction query(*connection_);
    for (const auto& row : query.exec(SelectAppliedSql(table_))) {
      applied[{row["component"].as<std::string>(), row["version"].as<int>()}] = {
          row["name"].as<std::string>(), row["checksum"].as<std::string>()};
    }
    return applied;
  }

  void ComputeChecksums(std::vector<Step>& plan) {
    pqxx::nontransaction query(*connection_);
    for (Step& step : plan) {
      step.checksum = query.exec_params1(std::string(kChecksum), step.migration->sql)["checksum"]
                          .as<std::string>();
    }
  }

  Status Apply(const Step& step) {
    try {
      pqxx::work work(*connection_);
      work.exec("SET LOCAL search_path = " + QuoteIdentifier(schema_));
      work.exec(step.migration->sql);
      work.exec_params(RecordSql(table_), *step.component, step.migration->version,
                       step.migration->name, step.checksum);
      work.commit();
      log::Info("migration applied", {{"schema", schema_},
                                      {"component", *step.component},
                                      {"migration", step.migration->name}});
      return OkStatus();
    } catch (const std::exception& error) {
      if (ShouldDiscardConnection(error)) connection_.MarkBroken();
      return Describe(error, "migration " + Title(step));
    }
  }

  PooledConnection& connection_;
  const std::string schema_;
  const std::string table_;
};

}  // namespace

Status ApplyMigrations(Pool& pool, std::string_view schema,
                       const std::vector<const MigrationSet*>& sets) {
  MARKET_RETURN_IF_ERROR(ValidateIdentifier("schema", schema));
  MARKET_ASSIGN_OR_RETURN(std::vector<Step> plan, Plan(sets));
  MARKET_ASSIGN_OR_RETURN(PooledConnection connection, pool.Acquire());
  const std::string what = "migrations of schema " + std::string(schema);
  const std::int64_t key = LockKey(schema);

  try {
    pqxx::nontransaction query(*connection);
    if (query.exec_params(std::string(kSelectSchema), std::string(schema)).empty()) {
      return FailedPreconditionError("schema " + std::string(schema) +
                                     " does not exist; bootstrap the service database first");
    }
    // Neither a long index build nor the wait for another instance's migrations is bounded by
    // the pool's statement timeout; RESET below gives the session its pool's value again.
    query.exec("SET statement_timeout = 0");
    query.exec_params(std::string(kLock), key);
  } catch (const std::exception& error) {
    if (ShouldDiscardConnection(error)) connection.MarkBroken();
    return Describe(error, what);
  }

  Status result;
  try {
    Migrator migrator(connection, schema);
    result = migrator.Run(plan);
  } catch (const std::exception& error) {
    if (ShouldDiscardConnection(error)) connection.MarkBroken();
    result = Describe(error, what);
  }

  try {
    pqxx::nontransaction query(*connection);
    query.exec_params(std::string(kUnlock), key);
    query.exec("RESET statement_timeout");
  } catch (const std::exception&) {
    // Closing the session releases the lock just as well.
    connection.MarkBroken();
  }
  return result;
}

}  // namespace market::pg
