#include "market/testing/postgres.hpp"

#include <random>
#include <stdexcept>

#include "environment.hpp"
#include "market/pg/bootstrap.hpp"
#include "market/pg/conninfo.hpp"
#include "market/pg/identifier.hpp"

namespace market::testing {
namespace {

// Leaves room for the suffix within PostgreSQL's 63-byte names.
constexpr std::size_t kMaxPrefixLength = 40;

std::string RandomString(std::string_view alphabet, std::size_t length) {
  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += alphabet[pick(random)];
  return out;
}

}  // namespace

std::string PgAdminDsn() { return internal::RequireEnv("MARKET_TEST_PG_ADMIN_DSN"); }

TestDatabase CreateServiceDatabase(std::string_view prefix) {
  if (!pg::IsValidIdentifier(prefix) || prefix.size() > kMaxPrefixLength) {
    throw std::invalid_argument("test database prefix must be a short lower-case identifier");
  }
  TestDatabase database;
  database.schema =
      std::string(prefix) + "_" + RandomString("abcdefghijklmnopqrstuvwxyz0123456789", 10);
  database.role = database.schema;
  database.password = RandomString("abcdefghijklmnopqrstuvwxyz0123456789", 32);

  const std::string admin_dsn = PgAdminDsn();
  const Status bootstrapped =
      pg::BootstrapServiceDatabase(admin_dsn, {database.schema, database.role, database.password});
  if (!bootstrapped.ok()) {
    throw std::runtime_error("bootstrapping test database " + database.schema + ": " +
                             bootstrapped.ToString());
  }
  auto dsn =
      pg::OverrideConninfo(admin_dsn, {{"user", database.role}, {"password", database.password}});
  if (!dsn.ok()) throw std::runtime_error("MARKET_TEST_PG_ADMIN_DSN: " + dsn.status().ToString());
  database.dsn = std::move(dsn).value();
  return database;
}

}  // namespace market::testing
