// IdentityService: market.identity.v1.IdentityService, the accounts of the marketplace.
//
// Register creates freelancer and client accounts (never operators); Login trades an email and
// password for a signed, expiring token; Me and ChangePassword need that token, which the
// generated registration (identity.connect.h) has verified before they run. Logic only:
//
//   IdentityService identity(pool, signer, {throttle, hasher, password_budget},
//                            std::chrono::hours(1));
//   market::identity::v1::Register(router, identity);
#pragma once

#include <chrono>

#include "account_repository.hpp"
#include "login_throttle.hpp"
#include "market/auth/token.hpp"
#include "market/connect/call_context.hpp"
#include "market/identity/v1/identity.connect.h"
#include "market/identity/v1/identity.pb.h"
#include "market/pg/pool.hpp"
#include "password_hasher.hpp"
#include "rate_limiter.hpp"

namespace market::gateway {

// What guards the passwords: guessing, hashing capacity, and each address's budget of
// password work (Register and Login hash or verify one each).
struct PasswordGuards {
  LoginThrottle& throttle;
  PasswordHasher& hasher;
  RateLimiter& per_address;
};

class IdentityService final : public identity::v1::IdentityServiceBase {
 public:
  IdentityService(pg::Pool& pool, const auth::TokenSigner& signer, PasswordGuards guards,
                  std::chrono::seconds token_lifetime);

  Status Register(const connect::CallContext& ctx, const identity::v1::RegisterRequest& request,
                  identity::v1::RegisterResponse& response) override;
  Status Login(const connect::CallContext& ctx, const identity::v1::LoginRequest& request,
               identity::v1::LoginResponse& response) override;
  Status Me(const connect::CallContext& ctx, const identity::v1::MeRequest& request,
            identity::v1::MeResponse& response) override;
  Status ChangePassword(const connect::CallContext& ctx,
                        const identity::v1::ChangePasswordRequest& request,
                        identity::v1::ChangePasswordResponse& response) override;

 private:
  // The caller's account, from the bearer token; unauthenticated when the token is bad or its
  // account no longer exists.
  StatusOr<AccountRecord> CallerAccount(const connect::CallContext& ctx);

  pg::Pool& pool_;
  const auth::TokenSigner& signer_;
  // Spends one of the caller's address's password budget; resource_exhausted when it is empty.
  Status TakePasswordBudget(const connect::CallContext& ctx);

  LoginThrottle& throttle_;
  PasswordHasher& hasher_;
  RateLimiter& password_budget_;
  std::chrono::seconds token_lifetime_;
};

// Fills the public view of an account (no password hash).
void ToProto(const AccountRecord& record, identity::v1::Account& account);

}  // namespace market::gateway
