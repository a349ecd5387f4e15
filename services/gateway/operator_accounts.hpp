// Operator accounts are never self-registered: CreateOperator is the documented bootstrap,
// run by whoever runs the marketplace through the `market-create-operator` command.
//
//   MARKET_OPERATOR_PASSWORD=... market-create-operator --email ops@example.com
//       --display-name "Operations" --country DE --currency EUR
#pragma once

#include <string>

#include "account_repository.hpp"
#include "market/pg/pool.hpp"

namespace market::gateway {

struct OperatorAccount {
  std::string email;
  std::string password;
  std::string display_name;
  std::string country;
  std::string preferred_currency;
};

// Validates like a registration (email, password, name, country, currency) and stores an
// account whose only role is operator. already_exists when the email is taken.
StatusOr<AccountRecord> CreateOperator(pg::Pool& pool, const OperatorAccount& account);

}  // namespace market::gateway
