// RequestPayout and ListPayouts (payouts.hpp has the two steps and the recovery path).
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "idempotency.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "tax_profiles.hpp"

namespace market::escrow {
namespace {

inline constexpr std::int64_t kMaxPayoutMajorUnits = 1'000'000;
inline constexpr std::size_t kMaxMethodLength = 200;
inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
inline constexpr std::string_view kPageList = "escrow.payouts";

StatusOr<money::Money> ValidatePayoutAmount(const v1::RequestPayoutRequest& request) {
  MARKET_ASSIGN_OR_RETURN(const money::Money amount,
                          money::Money::FromProto(request.amount(), "amount"));
  std::int64_t max_minor = kMaxPayoutMajorUnits;
  for (int i = 0; i < amount.exponent(); ++i) max_minor *= 10;
  if (amount.minor_units() <= 0 || amount.minor_units() > max_minor) {
    return InvalidArgumentError("amount: must be positive and at most 1,000,000 " +
                                amount.currency());
  }
  return amount;
}

std::string StateName(v1::PayoutState state) {
  switch (state) {
    case v1::PAYOUT_STATE_PENDING:
      return "pending";
    case v1::PAYOUT_STATE_PAID:
      return "paid";
    case v1::PAYOUT_STATE_FAILED:
      return "failed";
    default:
      return "";
  }
}

// The checks that need the database, under the payout's transaction: the currency's minimum
// and the tax rule of the caller's country and form.
Status CheckPayoutAllowed(pqxx::work& tx, const auth::Principal& caller,
                          const money::Money& amount) {
  const std::optional<std::int64_t> minimum = PayoutMinimum(tx, amount.currency());
  if (!minimum) {
    return FailedPreconditionError("amount.currency: payouts in " + amount.currency() +
                                   " are not offered");
  }
  if (amount.minor_units() < *minimum) {
    MARKET_ASSIGN_OR_RETURN(const money::Money least,
                            money::Money::Of(amount.currency(), *minimum));
    return InvalidArgumentError("amount: at least " + least.ToDecimalString() + " " +
                                amount.currency() + " (the payout minimum)");
  }
  const TaxStanding tax = TaxStandingOf(tx, caller.subject, caller.country);
  if (tax.payouts_blocked) {
    return FailedPreconditionError("tax profile: payouts for accounts taxed in " + tax.country +
                                   " need a verified tax form; record one with SetTaxProfile")
        .WithDetail(connect::ErrorInfo("TAX_FORM_REQUIRED", "escrow.market"));
  }
  return OkStatus();
}

}  // namespace

Status EscrowService::RequestPayout(const connect::CallContext& ctx,
                                    const v1::RequestPayoutRequest& request,
                                    v1::RequestPayoutResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "RequestPayout", request));
  MARKET_ASSIGN_OR_RETURN(const money::Money amount, ValidatePayoutAmount(request));
  if (request.method().empty() || request.method().size() > kMaxMethodLength) {
    return InvalidArgumentError("method: 1 to 200 characters");
  }
  // Step 1, once per key: the money leaves the wallet for payout clearing with the pending
  // payout. A replay (or a concurrent duplicate, which waits on the key) gets the same payout.
  MARKET_RETURN_IF_ERROR(RunOnce(pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
                                 [&](pqxx::work& tx) -> Status {
                                   MARKET_RETURN_IF_ERROR(CheckPayoutAllowed(tx, caller, amount));
                                   MARKET_ASSIGN_OR_RETURN(const PayoutRecord payout,
                                                           OpenPayout(tx, caller.subject, scope.key,
                                                                      amount, request.method()));
                                   ToProto(payout, *response.mutable_payout());
                                   return OkStatus();
                                 }));
  // Step 2: the provider, at most once per payout id. A replay drives a payout left pending by
  // a crash; should this step fail, the payout stays pending and the recovery task sends it.
  const StatusOr<PayoutRecord> advanced = payouts_.Advance(response.payout().id());
  if (!advanced.ok()) {
    log::Warn("payout left pending for the retry task",
              {{"payout_id", response.payout().id()}, {"error", advanced.status().ToString()}});
    return OkStatus();
  }
  ToProto(*advanced, *response.mutable_payout());
  return OkStatus();
}

Status EscrowService::ListPayouts(const connect::CallContext& ctx,
                                  const v1::ListPayoutsRequest& request,
                                  v1::ListPayoutsResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  const bool as_operator = caller.HasRole(auth::Role::kOperator);
  std::string account_id;
  if (!as_operator) {
    MARKET_ASSIGN_OR_RETURN(const auth::Principal account, AccountCaller(ctx));
    account_id = account.subject;
  }
  std::string state = StateName(request.state());
  if (request.state() != v1::PAYOUT_STATE_UNSPECIFIED && state.empty()) {
    return InvalidArgumentError("state: not a payout state");
  }
  if (as_operator && state.empty()) state = "pending";
  MARKET_ASSIGN_OR_RETURN(
      const int page_size,
      connect::CheckPageSize(request.page().page_size(), kDefaultPageSize, kMaxPageSize));
  MARKET_ASSIGN_OR_RETURN(const auto keys,
                          connect::DecodePageToken(request.page().page_token(), kPageList, 2));
  std::optional<std::pair<std::int64_t, std::string>> after;
  if (!keys.empty()) {
    MARKET_ASSIGN_OR_RETURN(const std::int64_t micros, connect::PageKeyAsInt(keys[0]));
    if (!ids::IsUuid(keys[1])) {
      return InvalidArgumentError("page.page_token: not a token this method issued");
    }
    after.emplace(micros, keys[1]);
  }
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response.Clear();
        // One more than the page, to know whether another page follows.
        std::vector<PayoutRecord> payouts =
            escrow::ListPayouts(tx, account_id, state, after, page_size + 1);
        const bool more = payouts.size() > static_cast<std::size_t>(page_size);
        if (more) payouts.pop_back();
        for (const PayoutRecord& payout : payouts) ToProto(payout, *response.add_payouts());
        if (more) {
          response.mutable_page()->set_next_page_token(connect::EncodePageToken(
              kPageList, {std::to_string(payouts.back().requested_at_micros), payouts.back().id}));
        }
        return OkStatus();
      });
}

}  // namespace market::escrow
