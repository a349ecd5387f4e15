#include "operator_accounts.hpp"

#include "market/auth/password.hpp"
#include "market/pg/transaction.hpp"

namespace market::gateway {

StatusOr<AccountRecord> CreateOperator(pg::Pool& pool, const OperatorAccount& account) {
  // Reuse the registration rules for every field; the role is set afterwards because
  // registration refuses the operator role by design.
  identity::v1::RegisterRequest as_registration;
  as_registration.set_email(account.email);
  as_registration.set_password(account.password);
  as_registration.set_display_name(account.display_name);
  as_registration.set_country(account.country);
  as_registration.add_roles(identity::v1::ROLE_CLIENT);
  as_registration.set_preferred_currency(account.preferred_currency);
  MARKET_ASSIGN_OR_RETURN(NewAccount validated, ValidateRegistration(as_registration));
  validated.roles = {auth::Role::kOperator};

  const std::string password_hash = auth::HashPassword(account.password);
  return pg::InTransaction(
      pool, [&](pqxx::work& tx) { return InsertAccount(tx, validated, password_hash); });
}

}  // namespace market::gateway
