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

ServiceTokens::ServiceTokens(const TokenSigner& signer, std::string service_name,
                             std::chrono::seconds lifetime)
    : signer_(signer), service_name_(std::move(service_name)), lifetime_(lifetime) {}

std::string ServiceTokens::AuthorizationHeader(std::chrono::system_clock::time_point now) const {
  Principal principal;
  principal.subject = service_name_;
  principal.roles = {Role::kService};
  principal.expires_at = now + lifetime_;
  return "Bearer " + signer_.Issue(principal);
}

}  // namespace market::auth
