// IdentityService: market.identity.v1.IdentityService, the accounts of the marketplace.
//
// Register creates freelancer and client accounts (never operators); Login trades an email and
// password for a short-lived access token and a refresh token; Refresh rotates the refresh token
// (a spent one presented again revokes its whole session); Logout ends a session; Me and
// ChangePassword need the access token, which the generated registration (identity.connect.h)
// has verified before they run. Logic only:
//
//   IdentityService identity(pool, signer, {throttle, hasher, limiter, password_per_address},
//                            SessionLifetimes{});
//   market::identity::v1::Register(router, identity);
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "account_repository.hpp"
#include "login_throttle.hpp"
#include "market/auth/token.hpp"
#include "market/connect/call_context.hpp"
#include "market/identity/v1/identity.connect.h"
#include "market/identity/v1/identity.pb.h"
#include "market/pg/pool.hpp"
#include "password_hasher.hpp"
#include "rate_limiter.hpp"
#include "session_lifetimes.hpp"

namespace market::gateway {

// What guards the passwords: guessing, hashing capacity, and each address's budget of
// password work (Register and Login hash or verify one each).
struct PasswordGuards {
  LoginThrottle& throttle;
  PasswordHasher& hasher;
  // The gateway's limiter (one Redis script per take) and the per-address password budget.
  RateLimiter& budget;
  RateLimit per_address;
};

class IdentityService final : public identity::v1::IdentityServiceBase {
 public:
  IdentityService(pg::Pool& pool, const auth::TokenSigner& signer, PasswordGuards guards,
                  SessionLifetimes lifetimes);

  Status Register(const connect::CallContext& ctx, const identity::v1::RegisterRequest& request,
                  identity::v1::RegisterResponse& response) override;
  Status Login(const connect::CallContext& ctx, const identity::v1::LoginRequest& request,
               identity::v1::LoginResponse& response) override;
  Status Refresh(const connect::CallContext& ctx, const identity::v1::RefreshRequest& request,
                 identity::v1::RefreshResponse& response) override;
  Status Logout(const connect::CallContext& ctx, const identity::v1::LogoutRequest& request,
                identity::v1::LogoutResponse& response) override;
  Status Me(const connect::CallContext& ctx, const identity::v1::MeRequest& request,
            identity::v1::MeResponse& response) override;
  Status ChangePassword(const connect::CallContext& ctx,
                        const identity::v1::ChangePasswordRequest& request,
                        identity::v1::ChangePasswordResponse& response) override;

 private:
  // The caller's account, from the bearer token; unauthenticated when the token is bad or its
  // account no longer exists.
  StatusOr<AccountRecord> CallerAccount(const connect::CallContext& ctx);
  // A fresh access token for the account, and when it expires.
  std::pair<std::string, google::protobuf::Timestamp> IssueAccessToken(
      const AccountRecord& account) const;

  pg::Pool& pool_;
  const auth::TokenSigner& signer_;
  // Spends one of the caller's address's password budget; resource_exhausted when it is empty.
  Status TakePasswordBudget(const connect::CallContext& ctx);

  LoginThrottle& throttle_;
  PasswordHasher& hasher_;
  RateLimiter& password_budget_;
  const RateLimit password_per_address_;
  SessionLifetimes lifetimes_;
};

// Fills the public view of an account (no password hash).
void ToProto(const AccountRecord& record, identity::v1::Account& account);

}  // namespace market::gateway
