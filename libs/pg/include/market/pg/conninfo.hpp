// Connection strings: libpq accepts "host=... user=..." or "postgresql://user@host/db" forms.
//
// MakeConninfo writes one from its options, each value quoted, so that a password with spaces,
// quotes or backslashes reaches libpq intact:
//
//   std::string dsn = market::pg::MakeConninfo({{"host", host}, {"password", password}});
//
// OverrideConninfo parses either form and writes it back as keyword/value pairs with some options
// replaced, so code can add a connect timeout or swap credentials without caring how the operator
// wrote the DSN:
//
//   auto dsn = market::pg::OverrideConninfo(admin_dsn, {{"user", "listings"}, {"password", pw}});
//   if (!dsn.ok()) return dsn.status();
//
// Error messages never repeat the string: a DSN may carry a password.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "market/common/statusor.hpp"

namespace market::pg {

// Keyword/value pairs, in the order they are written.
using ConninfoOptions = std::vector<std::pair<std::string, std::string>>;
using ConninfoOverrides = ConninfoOptions;

// "keyword='value' ..." with every value in single quotes and its quotes and backslashes
// escaped, as libpq's keyword/value syntax requires.
std::string MakeConninfo(const ConninfoOptions& options);

// `dsn` with every option in `overrides` set to the given value (added when absent), as a
// keyword/value string. invalid_argument when `dsn` is not a valid libpq connection string.
StatusOr<std::string> OverrideConninfo(std::string_view dsn, const ConninfoOverrides& overrides);

// The value of option `keyword` in `dsn`; empty when absent or when `dsn` does not parse.
std::string ConninfoValue(std::string_view dsn, std::string_view keyword);

}  // namespace market::pg
