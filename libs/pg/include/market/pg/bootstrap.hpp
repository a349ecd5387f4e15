// Database identity of one service: a login role that owns one schema and nothing else.
//
// Run by administrators (the local stack script through market-db-bootstrap, and integration
// tests) with a superuser DSN, never by a service. Idempotent: re-running changes nothing but the
// password, which is how a password is rotated.
//
//   market::pg::ServiceDatabase listings{.schema = "listings", .role = "listings",
//                                        .password = secret};
//   MARKET_RETURN_IF_ERROR(market::pg::BootstrapServiceDatabase(admin_dsn, listings));
//
// The role gets LOGIN and nothing else (no superuser, createdb, createrole, replication or RLS
// bypass); the schema is created owned by it and becomes its search_path, and its sessions run
// without JIT compilation (short statements only lose by it); its rights on schema
// public are revoked and nobody may create objects there. Other services' schemas are owned by
// their own roles, so this role cannot read or change them. The password is hashed
// (SCRAM-SHA-256) before it is sent, so it never appears in server logs or statistics.
#pragma once

#include <string>
#include <string_view>

#include "market/common/status.hpp"

namespace market::pg {

struct ServiceDatabase {
  std::string schema;
  std::string role;
  std::string password;
};

// invalid_argument naming the field: identifiers must pass IsValidIdentifier and not be names
// PostgreSQL reserves (pg_*, public, ...); the password must be non-empty.
Status ValidateServiceDatabase(const ServiceDatabase& database);

// failed_precondition when the role exists as a superuser or the schema belongs to another role
// (a mistyped name must not take over someone else's data); unavailable when the server cannot
// be reached.
Status BootstrapServiceDatabase(std::string_view admin_dsn, const ServiceDatabase& database);

}  // namespace market::pg
