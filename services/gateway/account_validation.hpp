// The rules a new account and a password must meet, each failure an invalid_argument that
// names the field and the rule. A registration is checked whole: its error names every bad
// field, in the message and in a google.rpc.BadRequest detail:
//
//   auto account = ValidateRegistration(request);
//   if (!account.ok()) return account.status();   // "email: ...; country: must be an ISO ..."
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "market/auth/principal.hpp"
#include "market/common/statusor.hpp"
#include "market/identity/v1/identity.pb.h"

namespace market::gateway {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 128;
inline constexpr std::size_t kMaxDisplayNameLength = 100;
inline constexpr std::size_t kMaxCompanyNameLength = 200;

// An account as validated and normalised, ready to be stored (without its password hash).
struct NewAccount {
  std::string email;
  std::string display_name;
  std::string country;
  std::vector<auth::Role> roles;
  std::string company_name;
  std::string preferred_currency;
};

// Trims surrounding white space and lower-cases ASCII letters, so that "Ada@Example.COM "
// and "ada@example.com" are one account.
std::string NormaliseEmail(std::string_view email);

// invalid_argument naming `field` when `email` (already normalised) is not local@domain.tld
// within the length limits.
Status ValidateEmail(std::string_view email, std::string_view field);

// invalid_argument naming `field` unless the password has 10 to 128 characters.
Status ValidatePassword(std::string_view password, std::string_view field);

// Checks every field of a self-registration and reports all that are bad; operators cannot
// self-register.
StatusOr<NewAccount> ValidateRegistration(const identity::v1::RegisterRequest& request);

}  // namespace market::gateway
