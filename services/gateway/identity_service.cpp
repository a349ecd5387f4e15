#include "identity_service.hpp"

#include <google/protobuf/util/time_util.h>

#include "market/auth/password.hpp"
#include "market/common/log.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"

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
                                 PasswordGuards guards, std::chrono::seconds token_lifetime)
    : pool_(pool),
      signer_(signer),
      throttle_(guards.throttle),
      hasher_(guards.hasher),
      password_budget_(guards.per_address),
      token_lifetime_(token_lifetime) {}

Status IdentityService::TakePasswordBudget(const connect::CallContext& ctx) {
  return password_budget_.Take("password:address:" + ctx.peer);
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

  auth::Principal principal;
  principal.subject = account.id;
  principal.roles = account.roles;
  principal.country = account.country;
  principal.expires_at = std::chrono::system_clock::now() + token_lifetime_;
  response.set_access_token(signer_.Issue(principal));
  *response.mutable_expires_at() = TimeUtil::SecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::seconds>(principal.expires_at.time_since_epoch())
          .count());
  ToProto(account, *response.mutable_account());
  log::Info("login", {{"account_id", account.id}});
  return OkStatus();
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
                                             return OkStatus();
                                           }));
  log::Info("password changed", {{"account_id", account.id}});
  return OkStatus();
}

}  // namespace market::gateway
