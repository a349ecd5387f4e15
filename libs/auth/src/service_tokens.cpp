#include "market/auth/service_tokens.hpp"

#include <stdexcept>

namespace market::auth {

ServiceTokens::ServiceTokens(std::shared_ptr<const TokenSigner> signer, std::string service_name,
                             std::chrono::seconds lifetime)
    : signer_(std::move(signer)), service_name_(std::move(service_name)), lifetime_(lifetime) {
  if (!signer_) throw std::invalid_argument("ServiceTokens needs a signer");
}

std::string ServiceTokens::AuthorizationHeader(std::chrono::system_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  // A clock that went backwards past the issue time also re-issues: the old token's iat would
  // lie in this process's future.
  if (now >= reissue_at_ || now + lifetime_ < reissue_at_) {
    Principal principal;
    principal.subject = service_name_;
    principal.roles = {Role::kService};
    principal.expires_at = now + lifetime_;
    header_ = "Bearer " + signer_->Issue(principal);
    reissue_at_ = now + lifetime_ / 3;
  }
  return header_;
}

}  // namespace market::auth
