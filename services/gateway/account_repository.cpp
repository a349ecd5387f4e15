#include "account_repository.hpp"

#include <string_view>

#include "market/common/ids.hpp"
#include "market/common/status.hpp"

namespace market::gateway {
namespace {

// Roles travel as a comma-separated list: role names never contain commas.
inline constexpr std::string_view kSelectAccountByEmail = R"(
  SELECT id::text, email, password_hash, display_name, country, array_to_string(roles, ','),
         company_name, preferred_currency, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM accounts WHERE email = $1)";

inline constexpr std::string_view kSelectAccountById = R"(
  SELECT id::text, email, password_hash, display_name, country, array_to_string(roles, ','),
         company_name, preferred_currency, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM accounts WHERE id = $1::uuid)";

inline constexpr std::string_view kInsertAccount = R"(
  INSERT INTO accounts (email, password_hash, display_name, country, roles, company_name,
                        preferred_currency)
  VALUES ($1, $2, $3, $4, string_to_array($5, ','), $6, $7)
  ON CONFLICT (email) DO NOTHING
  RETURNING id::text, (extract(epoch FROM created_at) * 1000000)::bigint)";

inline constexpr std::string_view kUpdatePasswordHash = R"(
  UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1::uuid)";

std::string JoinRoles(const std::vector<auth::Role>& roles) {
  std::string joined;
  for (auth::Role role : roles) {
    if (!joined.empty()) joined += ',';
    joined += auth::RoleName(role);
  }
  return joined;
}

std::vector<auth::Role> SplitRoles(std::string_view joined) {
  std::vector<auth::Role> roles;
  while (!joined.empty()) {
    const auto comma = joined.find(',');
    const auto name = joined.substr(0, comma);
    if (auto role = auth::RoleFromName(name)) roles.push_back(*role);
    joined = comma == std::string_view::npos ? std::string_view() : joined.substr(comma + 1);
  }
  return roles;
}

AccountRecord FromRow(const pqxx::row& row) {
  AccountRecord record;
  record.id = row[0].as<std::string>();
  record.email = row[1].as<std::string>();
  record.password_hash = row[2].as<std::string>();
  record.display_name = row[3].as<std::string>();
  record.country = row[4].as<std::string>();
  record.roles = SplitRoles(row[5].as<std::string>());
  record.company_name = row[6].as<std::string>();
  record.preferred_currency = row[7].as<std::string>();
  record.created_at_unix_micros = row[8].as<std::int64_t>();
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
  const pqxx::result rows = tx.exec_params(
      std::string(kInsertAccount), account.email, std::string(password_hash), account.display_name,
      account.country, JoinRoles(account.roles), account.company_name, account.preferred_currency);
  if (rows.empty()) {
    return AlreadyExistsError("email: an account with this email already exists");
  }
  AccountRecord record;
  record.id = rows[0][0].as<std::string>();
  record.created_at_unix_micros = rows[0][1].as<std::int64_t>();
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
