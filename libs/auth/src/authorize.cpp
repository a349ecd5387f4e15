#include "market/auth/authorize.hpp"

namespace market::auth {

StatusOr<Principal> Authenticate(const TokenVerifier& verifier,
                                 std::string_view authorization_header) {
  return verifier.VerifyAuthorizationHeader(authorization_header);
}

Status RequireAnyRole(const Principal& principal, const std::vector<Role>& roles) {
  std::string needed;
  for (Role role : roles) {
    if (principal.HasRole(role)) return OkStatus();
    if (!needed.empty()) needed += " or ";
    needed += RoleName(role);
  }
  return PermissionDeniedError("this call needs the " + needed + " role");
}

}  // namespace market::auth
