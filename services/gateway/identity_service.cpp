#include "identity_service.hpp"

#include <google/protobuf/util/time_util.h>

#include "market/auth/password.hpp"
#include "market/auth/sha256.hpp"
#include "market/common/log.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "refresh_token.hpp"
#include "session_repository.hpp"

namespace market::gateway {
namespace {

namespace v1 = identity::v1;
using google::protobuf::util::TimeUtil;

// The one answer for a wrong password and an unknown email, so the two cannot be told apart.
Status BadCredentials() { return UnauthenticatedError("email or password is incorrect"); }

v1::Role RoleToProto(auth::Role role) {
  switch (role) {
    case auth::Role::kFreelancer:
      return v1::ROLE_FREELANCER;
    case auth::Role::kClient:
      return v1::ROLE_CLIENT;
    case auth::Role::kOperator:
      return v1::ROLE_OPERATOR;
    case auth::Role::kService:
      break;
  }
  return v1::ROLE_UNSPECIFIED;
}

// A hash of a password nobody has, checked when the email is unknown so that the answer takes
// as long as for a known email with a wrong password.
const std::string& DecoyPasswordHash() {
  static const std::string hash = auth::HashPassword("decoy password for unknown accounts");
  return hash;
}

// The one answer for every refresh token that does not open a session (unknown, expired, spent
// or revoked), so that a probe learns nothing about which.
Status InvalidRefreshToken() { return UnauthenticatedError("refresh_token: is not valid"); }

google::protobuf::Timestamp UnixSeconds(std::int64_t seconds) {
  return TimeUtil::SecondsToTimestamp(seconds);
}

// What a refresh found, decided inside its transaction: a reuse must commit its revocation,
// so it cannot be an error Status there (that would roll the revocation back).
enum class RefreshOutcome { kRotated, kReused, kInvalid };

struct RefreshResult {
  RefreshOutcome outcome = RefreshOutcome::kInvalid;
  std::string account_id{};
  std::optional<AccountRecord> account{};
  std::int64_t refresh_expires_at = 0;
};

}  // namespace

void ToProto(const AccountRecord& record, v1::Account& account) {
  account.set_id(record.id);
  account.set_email(record.email);
  account.set_display_name(record.display_name);
  account.set_country(record.country);
  account.clear_roles();
  for (auth::Role role : record.roles) account.add_roles(RoleToProto(role));
  account.set_company_name(record.company_name);
  account.set_preferred_currency(record.preferred_currency);
  *account.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
}

IdentityService::IdentityService(pg::Pool& pool, const auth::TokenSigner& signer,
                                 PasswordGuards guards, SessionLifetimes lifetimes)
    : pool_(pool),
      signer_(signer),
      throttle_(guards.throttle),
      hasher_(guards.hasher),
      password_budget_(guards.budget),
      password_per_address_(guards.per_address),
      lifetimes_(lifetimes) {}

Status IdentityService::TakePasswordBudget(const connect::CallContext& ctx) {
  return password_budget_.Take({{"password:address:" + ctx.peer, password_per_address_}});
}

std::pair<std::string, google::protobuf::Timestamp> IdentityService::IssueAccessToken(
    const AccountRecord& account) const {
  auth::Principal principal;
  principal.subject = account.id;
  principal.roles = account.roles;
  principal.country = account.country;
  principal.expires_at = std::chrono::system_clock::now() + lifetimes_.access_token;
  const auto expires =
      std::chrono::duration_cast<std::chrono::seconds>(principal.expires_at.time_since_epoch());
  return {signer_.Issue(principal), UnixSeconds(expires.count())};
}

Status IdentityService::Register(const connect::CallContext& ctx,
                                 const v1::RegisterRequest& request,
                                 v1::RegisterResponse& response) {
  MARKET_ASSIGN_OR_RETURN(NewAccount account, ValidateRegistration(request));
  MARKET_RETURN_IF_ERROR(TakePasswordBudget(ctx));
  // Hashing is slow by design: it happens before the transaction, holding no connection.
  MARKET_ASSIGN_OR_RETURN(const std::string password_hash,
                          hasher_.Hash(request.password(), ctx.deadline));
  MARKET_ASSIGN_OR_RETURN(
      AccountRecord record,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) { return InsertAccount(tx, account, password_hash); }));
  log::Info("account registered", {{"account_id", record.id}});
  ToProto(record, *response.mutable_account());
  return OkStatus();
}

Status IdentityService::Login(const connect::CallContext& ctx, const v1::LoginRequest& request,
                              v1::LoginResponse& response) {
  const std::string email = NormaliseEmail(request.email());
  if (email.empty()) return InvalidArgumentError("email: must not be empty");
  if (request.password().empty()) return InvalidArgumentError("password: must not be empty");
  if (request.password().size() > 4 * kMaxPasswordLength) return BadCredentials();
  MARKET_RETURN_IF_ERROR(TakePasswordBudget(ctx));
  MARKET_RETURN_IF_ERROR(throttle_.Attempt(email, ctx.peer));

  auto found = pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                                 [&](pqxx::work& tx) -> StatusOr<std::optional<AccountRecord>> {
                                   return FindAccountByEmail(tx, email);
                                 });
  if (!found.ok()) {
    // No password was checked: the attempt must not count as a failed guess.
    throttle_.Refund(email, ctx.peer);
    return found.status();
  }
  const auto password_ok = hasher_.Verify(
      request.password(), *found ? (*found)->password_hash : DecoyPasswordHash(), ctx.deadline);
  if (!password_ok.ok()) {
    throttle_.Refund(email, ctx.peer);
    return password_ok.status();
  }
  if (!*found || !*password_ok) {
    log::Info("login refused", {{"peer", ctx.peer}});
    return BadCredentials();
  }
  throttle_.RecordSuccess(email, ctx.peer);
  const AccountRecord& account = **found;

  const std::string refresh_token = NewRefreshToken();
  MARKET_ASSIGN_OR_RETURN(InsertedRefreshToken session,
                          pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                                            [&](pqxx::work& tx) -> StatusOr<InsertedRefreshToken> {
                                              return InsertRefreshToken(
                                                  tx, auth::Sha256Hex(refresh_token), account.id,
                                                  "", lifetimes_.refresh_token);
                                            }));
  auto [access_token, expires_at] = IssueAccessToken(account);
  response.set_access_token(std::move(access_token));
  *response.mutable_expires_at() = expires_at;
  response.set_refresh_token(refresh_token);
  *response.mutable_refresh_expires_at() = UnixSeconds(session.expires_at_unix_seconds);
  ToProto(account, *response.mutable_account());
  log::Info("login", {{"account_id", account.id}});
  return OkStatus();
}

Status IdentityService::Refresh(const connect::CallContext& ctx, const v1::RefreshRequest& request,
                                v1::RefreshResponse& response) {
  MARKET_RETURN_IF_ERROR(CheckRefreshTokenShape(request.refresh_token()));
  const std::string presented_hash = auth::Sha256Hex(request.refresh_token());
  const std::string next_token = NewRefreshToken();
  // One transaction, the presented token's row locked first: of two concurrent refreshes of one
  // token, the second waits, then finds it spent, which is a reuse.
  MARKET_ASSIGN_OR_RETURN(
      RefreshResult result,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<RefreshResult> {
                          const auto token = LockRefreshToken(tx, presented_hash);
                          if (!token || token->revoked) return RefreshResult{};
                          if (token->spent) {
                            // A spent token comes back only from someone who copied it: end the
                            // session for both the thief and the owner (RFC 9700 section 4.14.2).
                            RevokeFamily(tx, token->family_id);
                            return RefreshResult{.outcome = RefreshOutcome::kReused,
                                                 .account_id = token->account_id};
                          }
                          if (token->expired) return RefreshResult{};
                          auto account = FindAccountById(tx, token->account_id);
                          if (!account) return RefreshResult{};
                          MarkRefreshTokenSpent(tx, presented_hash);
                          const InsertedRefreshToken next =
                              InsertRefreshToken(tx, auth::Sha256Hex(next_token), account->id,
                                                 token->family_id, lifetimes_.refresh_token);
                          return RefreshResult{.outcome = RefreshOutcome::kRotated,
                                               .account = std::move(account),
                                               .refresh_expires_at = next.expires_at_unix_seconds};
                        }));
  if (result.outcome == RefreshOutcome::kReused) {
    log::Warn("spent refresh token presented again; its session is revoked",
              {{"account_id", result.account_id}, {"peer", ctx.peer}});
  }
  if (result.outcome != RefreshOutcome::kRotated) return InvalidRefreshToken();

  auto [access_token, expires_at] = IssueAccessToken(*result.account);
  response.set_access_token(std::move(access_token));
  *response.mutable_expires_at() = expires_at;
  response.set_refresh_token(next_token);
  *response.mutable_refresh_expires_at() = UnixSeconds(result.refresh_expires_at);
  return OkStatus();
}

Status IdentityService::Logout(const connect::CallContext& ctx, const v1::LogoutRequest& request,
                               v1::LogoutResponse&) {
  MARKET_RETURN_IF_ERROR(CheckRefreshTokenShape(request.refresh_token()));
  const std::string hash = auth::Sha256Hex(request.refresh_token());
  // Logging out twice is fine: a revoked session stays revoked. An unknown token is refused so
  // that a client does not believe it ended a session it never held.
  return pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                           [&](pqxx::work& tx) -> Status {
                             const auto token = LockRefreshToken(tx, hash);
                             if (!token) return InvalidRefreshToken();
                             RevokeFamily(tx, token->family_id);
                             return OkStatus();
                           });
}

StatusOr<AccountRecord> IdentityService::CallerAccount(const connect::CallContext& ctx) {
  const auth::Principal& principal = ctx.Caller();
  MARKET_ASSIGN_OR_RETURN(
      std::optional<AccountRecord> found,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::optional<AccountRecord>> {
                          return FindAccountById(tx, principal.subject);
                        }));
  if (!found) return UnauthenticatedError("the token's account no longer exists");
  return *std::move(found);
}

Status IdentityService::Me(const connect::CallContext& ctx, const v1::MeRequest&,
                           v1::MeResponse& response) {
  MARKET_ASSIGN_OR_RETURN(AccountRecord account, CallerAccount(ctx));
  ToProto(account, *response.mutable_account());
  return OkStatus();
}

Status IdentityService::ChangePassword(const connect::CallContext& ctx,
                                       const v1::ChangePasswordRequest& request,
                                       v1::ChangePasswordResponse&) {
  MARKET_ASSIGN_OR_RETURN(AccountRecord account, CallerAccount(ctx));
  MARKET_RETURN_IF_ERROR(ValidatePassword(request.new_password(), "new_password"));
  if (request.new_password() == request.current_password()) {
    return InvalidArgumentError("new_password: must differ from the current password");
  }
  MARKET_RETURN_IF_ERROR(throttle_.Attempt(account.email, ctx.peer));
  const auto password_ok =
      hasher_.Verify(request.current_password(), account.password_hash, ctx.deadline);
  if (!password_ok.ok()) {
    throttle_.Refund(account.email, ctx.peer);
    return password_ok.status();
  }
  if (!*password_ok) return PermissionDeniedError("current_password: is incorrect");
  throttle_.RecordSuccess(account.email, ctx.peer);
  MARKET_ASSIGN_OR_RETURN(const std::string new_hash,
                          hasher_.Hash(request.new_password(), ctx.deadline));
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                                           [&](pqxx::work& tx) -> Status {
                                             if (!UpdatePasswordHash(tx, account.id, new_hash)) {
                                               return NotFoundError("account: no longer exists");
                                             }
                                             // Whoever knew the old password may hold a session.
                                             RevokeAccountSessions(tx, account.id);
                                             return OkStatus();
                                           }));
  log::Info("password changed", {{"account_id", account.id}});
  return OkStatus();
}

}  // namespace market::gateway
