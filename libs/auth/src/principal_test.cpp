#include "market/auth/principal.hpp"

#include <catch2/catch.hpp>

namespace market::auth {
namespace {

TEST_CASE("roles have the names tokens carry, and only those names read back", "[auth]") {
  const std::pair<Role, std::string_view> rows[] = {
      {Role::kFreelancer, "freelancer"},
      {Role::kClient, "client"},
      {Role::kOperator, "operator"},
      {Role::kService, "service"},
  };
  for (const auto& [role, name] : rows) {
    CAPTURE(name);
    CHECK(RoleName(role) == name);
    REQUIRE(RoleFromName(name).has_value());
    CHECK(*RoleFromName(name) == role);
  }
  for (const std::string_view unknown : {"", "admin", "Operator", "CLIENT", "client "}) {
    CAPTURE(unknown);
    CHECK_FALSE(RoleFromName(unknown).has_value());
  }
}

TEST_CASE("a principal has exactly the roles it lists", "[auth]") {
  Principal principal{.subject = "acct-1", .roles = {Role::kFreelancer, Role::kClient}};
  CHECK(principal.HasRole(Role::kFreelancer));
  CHECK(principal.HasRole(Role::kClient));
  CHECK_FALSE(principal.HasRole(Role::kOperator));
  CHECK_FALSE(principal.HasRole(Role::kService));
  CHECK_FALSE(Principal{}.HasRole(Role::kClient));
}

}  // namespace
}  // namespace market::auth
