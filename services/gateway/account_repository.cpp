#include "account_repository.hpp"

#include <string_view>

#include "market/common/ids.hpp"
#include "market/common/status.hpp"
#include "market/pg/arrays.hpp"

namespace market::gateway {
namespace {

// Roles travel as a text[] literal (market/pg/arrays.hpp); timestamps leave SQL as unix
// microseconds (market/pg/time.hpp).
inline constexpr std::string_view kSelectAccountByEmail = R"(
  SELECT id::text AS id, email, password_hash, display_name, country, roles, company_name,
         preferred_currency, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM accounts WHERE email = $1)";

inline constexpr std::string_view kSelectAccountById = R"(
  SELECT id::text AS id, email, password_hash, display_name, country, roles, company_name,
         preferred_currency, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM accounts WHERE id = $1::uuid)";

inline constexpr std::string_view kInsertAccount = R"(
  INSERT INTO accounts (email, password_hash, display_name, country, roles, company_name,
                        preferred_currency)
  VALUES ($1, $2, $3, $4, $5::text[], $6, $7)
  ON CONFLICT (email) DO NOTHING
  RETURNING id::text AS id, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros)";

inline constexpr std::string_view kUpdatePasswordHash = R"(
  UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1::uuid)";

std::string RolesLiteral(const std::vector<auth::Role>& roles) {
  std::vector<std::string> names;
  for (auth::Role role : roles) names.emplace_back(auth::RoleName(role));
  return pg::ToArrayLiteral(names);
}

// Names this build does not know are skipped: a role added by a newer release grants nothing
// here.
std::vector<auth::Role> RolesFrom(const pqxx::field& field) {
  std::vector<auth::Role> roles;
  for (const std::string& name : pg::ReadTextArray(field)) {
    if (auto role = auth::RoleFromName(name)) roles.push_back(*role);
  }
  return roles;
}

AccountRecord FromRow(const pqxx::row& row) {
  AccountRecord record;
  record.id = row["id"].as<std::string>();
  record.email = row["email"].as<std::string>();
  record.password_hash = row["password_hash"].as<std::string>();
  record.display_name = row["display_name"].as<std::string>();
  record.country = row["country"].as<std::string>();
  record.roles = RolesFrom(row["roles"]);
  record.company_name = row["company_name"].as<std::string>();
  record.preferred_currency = row["preferred_currency"].as<std::string>();
  record.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  return record;
}

std::optional<AccountRecord> FindOne(pqxx::work& tx, std::string_view query,
                                     std::string_view value) {
  // libpqxx 6 takes std::string parameters, not string views.
  const pqxx::result rows = tx.exec_params(std::string(query), std::string(value));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

}  // namespace

StatusOr<AccountRecord> InsertAccount(pqxx::work& tx, const NewAccount& account,
                                      std::string_view password_hash) {
  const pqxx::result rows =
      tx.exec_params(std::string(kInsertAccount), account.email, std::string(password_hash),
                     account.display_name, account.country, RolesLiteral(account.roles),
                     account.company_name, account.preferred_currency);
  if (rows.empty()) {
    return AlreadyExistsError("email: an account with this email already exists");
  }
  AccountRecord record;
  record.id = rows[0]["id"].as<std::string>();
  record.created_at_unix_micros = rows[0]["created_at_micros"].as<std::int64_t>();
  record.email = account.email;
  record.password_hash = std::string(password_hash);
  record.display_name = account.display_name;
  record.country = account.country;
  record.roles = account.roles;
  record.company_name = account.company_name;
  record.preferred_currency = account.preferred_currency;
  return record;
}

std::optional<AccountRecord> FindAccountByEmail(pqxx::work& tx, std::string_view email) {
  return FindOne(tx, kSelectAccountByEmail, email);
}

std::optional<AccountRecord> FindAccountById(pqxx::work& tx, std::string_view id) {
  // A malformed id matches no account; checking here keeps the cast in SQL from failing.
  if (!ids::IsUuid(id)) return std::nullopt;
  return FindOne(tx, kSelectAccountById, id);
}

bool UpdatePasswordHash(pqxx::work& tx, std::string_view id, std::string_view password_hash) {
  return tx.exec_params(std::string(kUpdatePasswordHash), std::string(id),
                        std::string(password_hash))
             .affected_rows() == 1;
}

}  // namespace market::gateway
