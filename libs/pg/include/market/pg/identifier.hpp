// SQL identifiers built from configuration (schema and role names).
//
// Schema and role names cannot be bound as query parameters, so they are spliced into DDL. Only
// names made of lower-case letters, digits and underscores (at most 63 bytes, PostgreSQL's limit)
// are accepted, and they are still double-quoted, so a name can never change a statement's meaning:
//
//   MARKET_RETURN_IF_ERROR(market::pg::ValidateIdentifier("schema", schema));
//   std::string sql = "CREATE SCHEMA " + market::pg::QuoteIdentifier(schema);
#pragma once

#include <string>
#include <string_view>

#include "market/common/status.hpp"

namespace market::pg {

// True when `name` matches [a-z_][a-z0-9_]{0,62}.
bool IsValidIdentifier(std::string_view name);

// OK for a valid identifier; otherwise invalid_argument naming `field`.
Status ValidateIdentifier(std::string_view field, std::string_view name);

// `name` in double quotes, embedded quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace market::pg
