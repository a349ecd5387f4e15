// Who is calling: the account (or service) a verified token speaks for, and its roles.
//
//   if (!principal.HasRole(market::auth::Role::kOperator)) {
//     return market::PermissionDeniedError("only an operator may resolve disputes");
//   }
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace market::auth {

enum class Role { kFreelancer, kClient, kOperator, kService };

// "freelancer", "client", "operator", "service": the names tokens carry.
std::string_view RoleName(Role role);
// The inverse of RoleName; nullopt for any other text, including other letter cases.
std::optional<Role> RoleFromName(std::string_view name);

struct Principal {
  std::string subject{};  // account id, or service name for kService
  std::vector<Role> roles{};
  std::string country{};  // ISO 3166-1 alpha-2, may be empty for services
  std::chrono::system_clock::time_point expires_at{};

  bool HasRole(Role role) const;
};

}  // namespace market::auth
