// Versioned schema migrations, applied by each service at start-up.
//
// A service's migrations/NNN_description.sql files are compiled in by market_embed_migrations
// (cmake/MarketHelpers.cmake) as a MigrationSet named after the component. ApplyMigrations brings
// the service's schema up to date:
//
//   #include "listings_migrations.hpp"
//   MARKET_RETURN_IF_ERROR(market::pg::ApplyMigrations(pool, "listings",
//                                                      {&market::migrations::listings()}));
//
// Rules: every migration runs once, in version order, in its own transaction with search_path set
// to the schema, and is recorded in <schema>.schema_migrations together with a checksum of its
// text. A failed migration leaves nothing behind and stops the run. An applied migration whose
// text or name changed is refused (failed_precondition naming it) and nothing is applied: history
// is fixed by adding a migration, never by editing one. Several instances starting at once
// serialise on an advisory lock, so each migration still runs once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "market/common/status.hpp"
#include "market/pg/pool.hpp"

namespace market::pg {

struct Migration {
  int version;
  std::string name;  // file name without .sql, e.g. "002_add_bids"
  std::string sql;
};

struct MigrationSet {
  std::string component;
  std::vector<Migration> migrations;
};

// The schema must exist (BootstrapServiceDatabase creates it) and belong to the pool's role.
Status ApplyMigrations(Pool& pool, std::string_view schema,
                       const std::vector<const MigrationSet*>& sets);

}  // namespace market::pg
