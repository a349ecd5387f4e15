// IdentityService: market.identity.v1.IdentityService, the accounts of the marketplace.
//
// Register creates freelancer and client accounts (never operators); Login trades an email and
// password for a signed, expiring token; Me and ChangePassword need that token. Logic only:
// AddIdentityMethods() puts the methods on a Connect router.
//
//   IdentityService identity(pool, signer, verifier, throttle, std::chrono::hours(1));
//   AddIdentityMethods(router, identity);
#pragma once

#include <chrono>

#include "account_repository.hpp"
#include "login_throttle.hpp"
#include "market/auth/token.hpp"
#include "market/connect/call_context.hpp"
#include "market/connect/router.hpp"
#include "market/identity/v1/identity.pb.h"
#include "market/pg/pool.hpp"

namespace market::gateway {

class IdentityService {
 public:
  IdentityService(pg::Pool& pool, const auth::TokenSigner& signer,
                  const auth::TokenVerifier& verifier, LoginThrottle& throttle,
                  std::chrono::seconds token_lifetime);

  Status Register(const connect::CallContext& ctx, const identity::v1::RegisterRequest& request,
                  identity::v1::RegisterResponse& response);
  Status Login(const connect::CallContext& ctx, const identity::v1::LoginRequest& request,
               identity::v1::LoginResponse& response);
  Status Me(const connect::CallContext& ctx, const identity::v1::MeRequest& request,
            identity::v1::MeResponse& response);
  Status ChangePassword(const connect::CallContext& ctx,
                        const identity::v1::ChangePasswordRequest& request,
                        identity::v1::ChangePasswordResponse& response);

 private:
  // The caller's account, from the bearer token; unauthenticated when the token is bad or its
  // account no longer exists.
  StatusOr<AccountRecord> CallerAccount(const connect::CallContext& ctx);

  pg::Pool& pool_;
  const auth::TokenSigner& signer_;
  const auth::TokenVerifier& verifier_;
  LoginThrottle& throttle_;
  std::chrono::seconds token_lifetime_;
};

void AddIdentityMethods(connect::Router& router, IdentityService& service);

// Fills the public view of an account (no password hash).
void ToProto(const AccountRecord& record, identity::v1::Account& account);

}  // namespace market::gateway
