// Access: who may call a method, checked before its handler runs.
//
// Every method's access comes from its (market.auth.v1.access) option in the proto, through the
// generated registration (`protoc-gen-market`); a Router cannot add a method without one:
//
//   router.Add<GetJobRequest, GetJobResponse>(
//       "market.listings.v1.ListingsService", "GetJob",
//       market::connect::Access::Roles({market::auth::Role::kClient}), handler);
//
// A method that needs roles accepts only a valid bearer token holding one of them:
// unauthenticated without one, permission_denied with the wrong role, and the handler is not
// called. Its handler then finds the verified caller in ctx.Caller(). Ownership (only a job's
// owner sees its bids) is the handler's to check, where the data is.
#pragma once

#include <vector>

#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"
#include "market/common/status.hpp"
#include "market/connect/call_context.hpp"

namespace market::connect {

struct Access {
  // Anyone may call; a valid token, when one is sent, still names the caller.
  bool is_public = false;
  // Otherwise: a valid token with at least one of these roles.
  std::vector<auth::Role> roles;

  static Access Public() { return Access{.is_public = true, .roles = {}}; }
  static Access Roles(std::vector<auth::Role> roles) {
    return Access{.is_public = false, .roles = std::move(roles)};
  }
};

// Checks the caller of `ctx` against `access` and, when it passes, records the verified
// principal in ctx.caller. `verifier` may be null only for public methods.
Status Authorize(const Access& access, const auth::TokenVerifier* verifier, CallContext& ctx);

}  // namespace market::connect
