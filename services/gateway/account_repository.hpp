// AccountRepository: the SQL of the accounts table, inside the caller's transaction.
//
//   pg::InTransaction(pool, [&](pqxx::work& tx) -> StatusOr<AccountRecord> {
//     return InsertAccount(tx, account, password_hash);   // already_exists on a taken email
//   });
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction>

#include "account_validation.hpp"
#include "market/auth/principal.hpp"
#include "market/common/statusor.hpp"

namespace market::gateway {

struct AccountRecord {
  std::string id;
  std::string email;
  std::string password_hash;
  std::string display_name;
  std::string country;
  std::vector<auth::Role> roles;
  std::string company_name;
  std::string preferred_currency;
  std::int64_t created_at_unix_micros = 0;
};

// already_exists when the email is taken (the unique index decides, so concurrent
// registrations of one address cannot both succeed).
StatusOr<AccountRecord> InsertAccount(pqxx::work& tx, const NewAccount& account,
                                      std::string_view password_hash);

std::optional<AccountRecord> FindAccountByEmail(pqxx::work& tx, std::string_view email);
std::optional<AccountRecord> FindAccountById(pqxx::work& tx, std::string_view id);

// Sets a new password hash; false when no account has this id.
bool UpdatePasswordHash(pqxx::work& tx, std::string_view id, std::string_view password_hash);

}  // namespace market::gateway
