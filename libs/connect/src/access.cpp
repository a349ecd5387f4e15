#include "market/connect/access.hpp"

#include "market/auth/authorize.hpp"

namespace market::connect {

Status Authorize(const Access& access, const auth::TokenVerifier* verifier, CallContext& ctx) {
  if (access.is_public) {
    // A public method may still serve a signed-in caller differently; a bad token here is
    // simply no caller, since the method needs none.
    if (verifier != nullptr && !ctx.authorization.empty()) {
      auto caller = auth::Authenticate(*verifier, ctx.authorization);
      if (caller.ok()) ctx.caller = *std::move(caller);
    }
    return OkStatus();
  }
  if (verifier == nullptr) {
    // Router::Add refuses this combination; reaching it is a wiring bug, and denying is safe.
    return InternalError("the server cannot verify tokens");
  }
  MARKET_ASSIGN_OR_RETURN(auth::Principal caller, auth::Authenticate(*verifier, ctx.authorization));
  MARKET_RETURN_IF_ERROR(auth::RequireAnyRole(caller, access.roles));
  ctx.caller = std::move(caller);
  return OkStatus();
}

}  // namespace market::connect
