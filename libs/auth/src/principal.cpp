#include "market/auth/principal.hpp"

#include <algorithm>
#include <array>

namespace market::auth {
namespace {

constexpr std::array<Role, 4> kRoles = {Role::kFreelancer, Role::kClient, Role::kOperator,
                                        Role::kService};

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFreelancer:
      return "freelancer";
    case Role::kClient:
      return "client";
    case Role::kOperator:
      return "operator";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (const Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool Principal::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace market::auth
