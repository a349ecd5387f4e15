// Authorisation checks every service makes itself, for every method: who is calling (the
// bearer token) and whether that caller may do this (role, then ownership in the service).
// Services do not call these for each method: the registration generated from the protos runs
// them against each method's declared access (market/connect/access.hpp) before the handler,
// which then checks ownership on the verified caller:
//
//   MARKET_ASSIGN_OR_RETURN(auth::Principal caller,
//                           auth::Authenticate(tokens, ctx.authorization));
//   MARKET_RETURN_IF_ERROR(auth::RequireAnyRole(caller, {auth::Role::kClient}));
//   if (job.owner_id != ctx.Caller().subject) return PermissionDeniedError("job_id: not yours");
//
// A call that bypasses the gateway gets exactly the same answers: nothing here trusts a header
// other than the signed token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"
#include "market/common/statusor.hpp"

namespace market::auth {

// The caller behind an Authorization header; unauthenticated when it is missing or invalid.
StatusOr<Principal> Authenticate(const TokenVerifier& verifier,
                                 std::string_view authorization_header);

// OK when the principal holds at least one of `roles`; otherwise permission_denied naming the
// roles the call needs.
Status RequireAnyRole(const Principal& principal, const std::vector<Role>& roles);

}  // namespace market::auth
