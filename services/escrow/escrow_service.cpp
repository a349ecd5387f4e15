// Wallets, FX rates and contracts. Pausing, resuming and ending: contract_state_handlers.cpp;
// milestones: milestone_handlers.cpp; disputes: dispute_handlers.cpp; operator views:
// operator_views.cpp; tax profiles: tax_handlers.cpp; payouts: payout_handlers.cpp; yearly
// statements: statement_handlers.cpp.
#include "escrow_service.hpp"

#include <set>

#include "contract_terms.hpp"
#include "escrow_proto.hpp"
#include "idempotency.hpp"
#include "ledger.hpp"
#include "market/common/base64url.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/money/exact_rate.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "settlement.hpp"

namespace market::escrow {
namespace {

inline constexpr int kMaxFxRatesPerLoad = 200;
inline constexpr std::int64_t kMaxTopUpMajorUnits = 1'000'000;
inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
// A quote this far ahead of the database's clock is a feed error, not a forward rate.
inline constexpr std::int64_t kMaxQuoteAheadMicros = 5LL * 60 * 1000000;

std::int64_t MicrosOf(const google::protobuf::Timestamp& at) {
  return at.seconds() * 1000000 + at.nanos() / 1000;
}

std::string PageToken(const ContractRecord& last) {
  return Base64UrlEncode(std::to_string(last.created_at_micros) + ":" + last.id);
}

StatusOr<std::optional<std::pair<std::int64_t, std::string>>> ReadPageToken(
    const std::string& token) {
  if (token.empty()) return std::optional<std::pair<std::int64_t, std::string>>();
  const std::optional<std::string> text = Base64UrlDecode(token);
  const auto bad = InvalidArgumentError("page.page_token: not a token this method issued");
  if (!text) return bad;
  const auto colon = text->find(':');
  if (colon == std::string::npos || !ids::IsUuid(text->substr(colon + 1))) return bad;
  std::int64_t micros = 0;
  for (const char c : text->substr(0, colon)) {
    if (c < '0' || c > '9' || micros > (INT64_MAX - 9) / 10) return bad;
    micros = micros * 10 + (c - '0');
  }
  return std::optional<std::pair<std::int64_t, std::string>>{
      std::pair{micros, text->substr(colon + 1)}};
}

}  // namespace

EscrowService::EscrowService(pg::Pool& pool, PaymentProvider& payments, PayoutSender& payouts,
                             PolicyDefaults defaults, BatchCombinerOptions movement_batches)
    : pool_(pool),
      payments_(payments),
      payouts_(payouts),
      defaults_(defaults),
      movements_(pool.options(), movement_batches) {}

Status EscrowService::TopUpWallet(const connect::CallContext& ctx,
                                  const v1::TopUpWalletRequest& request,
                                  v1::TopUpWalletResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
                          ScopeOf(caller.subject, "TopUpWallet", request));
  MARKET_ASSIGN_OR_RETURN(const money::Money amount,
                          money::Money::FromProto(request.amount(), "amount"));
  MARKET_ASSIGN_OR_RETURN(const money::Money limit, money::Money::Of(amount.currency(), 1));
  std::int64_t max_minor = kMaxTopUpMajorUnits;
  for (int i = 0; i < limit.exponent(); ++i) max_minor *= 10;
  if (amount.minor_units() <= 0 || amount.minor_units() > max_minor) {
    return InvalidArgumentError("amount: must be positive and at most 1,000,000 " +
                                amount.currency());
  }
  if (request.payment_token().empty() || request.payment_token().size() > 200) {
    return InvalidArgumentError("payment_token: 1 to 200 characters");
  }
  // A key that already holds an answer never reaches the provider again: the same request
  // gets the stored answer, another one already_exists.
  MARKET_ASSIGN_OR_RETURN(
      const bool answered,
      FindStoredAnswer(pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response));
  if (answered) return OkStatus();
  // The charge happens outside the transaction; the provider deduplicates on the key, so a
  // retry after a crash between charge and commit (or a concurrent duplicate) does not charge
  // twice, and RunOnce lets only one of them move the money.
  MARKET_ASSIGN_OR_RETURN(
      const std::string reference,
      payments_.Charge(caller.subject, amount, request.payment_token(), scope.key));
  return RunOnce(pool_, pg::TxOptions{.deadline = ctx.deadline}, scope, response,
                 [&](pqxx::work& tx) -> Status {
                   const AccountKey wallet = Wallet(caller.subject, amount.currency());
                   MARKET_ASSIGN_OR_RETURN(
                       const PostedTransfer posted,
                       PostTransfer(tx, {.kind = "top_up",
                                         .contract_id = "",
                                         .milestone_id = "",
                                         .legs = {{Platform(AccountKind::kFundingClearing,
                                                            amount.currency(), caller.subject),
                                                   -amount.minor_units()},
                                                  {wallet, amount.minor_units()}}}));
                   response.set_payment_reference(reference);
                   *response.mutable_balance()->mutable_available() =
                       MoneyProto(amount.currency(), posted.balances.at(wallet));
                   response.set_transfer_id(posted.id);
                   return OkStatus();
                 });
}

Status EscrowService::GetWallet(const connect::CallContext& ctx, const v1::GetWalletRequest&,
                                v1::GetWalletResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  return pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                           [&](pqxx::work& tx) -> Status {
                             response.Clear();
                             for (const auto& [currency, balance] : WalletsOf(tx, caller.subject)) {
                               *response.add_balances()->mutable_available() =
                                   MoneyProto(currency, balance);
                             }
                             return OkStatus();
                           });
}

Status EscrowService::LoadFxRates(const connect::CallContext& ctx,
                                  const v1::LoadFxRatesRequest& request,
                                  v1::LoadFxRatesResponse& response) {
  if (request.rates().empty() || request.rates_size() > kMaxFxRatesPerLoad) {
    return InvalidArgumentError("rates: 1 to 200 rates");
  }
  std::vector<FxRateRecord> rates;
  std::set<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < request.rates_size(); ++i) {
    const v1::FxRate& rate = request.rates(i);
    const std::string field = "rates[" + std::to_string(i) + "]";
    if (!money::FindCurrency(rate.base_currency())) {
      return InvalidArgumentError(field +
                                  ".base_currency: must be an ISO 4217 code from the "
                                  "currency table");
    }
    if (!money::FindCurrency(rate.quote_currency())) {
      return InvalidArgumentError(field +
                                  ".quote_currency: must be an ISO 4217 code from the "
                                  "currency table");
    }
    if (rate.base_currency() == rate.quote_currency()) {
      return InvalidArgumentError(field + ".quote_currency: must differ from base_currency");
    }
    if (!pairs.emplace(rate.base_currency(), rate.quote_currency()).second) {
      return InvalidArgumentError(field + ": the pair " + rate.base_currency() + "/" +
                                  rate.quote_currency() + " appears twice");
    }
    MARKET_ASSIGN_OR_RETURN(const money::ExactRate exact,
                            money::ExactRate::Parse(rate.rate(), field + ".rate"));
    if (!rate.has_quoted_at() || rate.quoted_at().seconds() <= 0 || rate.quoted_at().nanos() < 0) {
      return InvalidArgumentError(field + ".quoted_at: is required");
    }
    rates.push_back(FxRateRecord{rate.base_currency(), rate.quote_currency(), exact.ToString(),
                                 MicrosOf(rate.quoted_at())});
  }
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        response.Clear();
        const auto now_micros =
            tx.exec1("SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now_micros")
                ["now_micros"]
                    .as<std::int64_t>();
        v1::FxRatesUpdated event;
        for (std::size_t i = 0; i < rates.size(); ++i) {
          if (rates[i].quoted_at_micros > now_micros + kMaxQuoteAheadMicros) {
            return InvalidArgumentError("rates[" + std::to_string(i) +
                                        "].quoted_at: more than 5 minutes in the future");
          }
          if (StoreFxRateIfNewer(tx, rates[i])) {
            ToProto(rates[i], *event.add_rates());
          } else {
            response.add_skipped_pairs(rates[i].base_currency + "/" + rates[i].quote_currency);
          }
        }
        response.set_stored(event.rates_size());
        if (event.rates().empty()) return OkStatus();
        return events::Enqueue(tx, kEventSource, "fx", event);
      });
}

Status EscrowService::GetFxRates(const connect::CallContext& ctx,
                                 const v1::GetFxRatesRequest& request,
                                 v1::GetFxRatesResponse& response) {
  if (!request.base_currency().empty() && !money::FindCurrency(request.base_currency())) {
    return InvalidArgumentError("base_currency: must be empty or an ISO 4217 code");
  }
  return pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                           [&](pqxx::work& tx) -> Status {
                             response.Clear();
                             for (const auto& rate : ListFxRates(tx, request.base_currency())) {
                               ToProto(rate, *response.add_rates());
                             }
                             return OkStatus();
                           });
}

Status EscrowService::CreateContract(const connect::CallContext& ctx,
                                     const v1::CreateContractRequest& request,
                                     v1::CreateContractResponse& response) {
  MARKET_ASSIGN_OR_RETURN(NewContract terms, ValidateContract(request, defaults_));
  MARKET_RETURN_IF_ERROR(pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(auto created, escrow::CreateContract(tx, terms));
        response.Clear();
        ToProto(created.first, *response.mutable_contract());
        response.set_created(created.second);
        return OkStatus();
      }));
  if (response.created()) {
    log::Info("contract created", {{"contract_id", response.contract().id()},
                                   {"source_id", response.contract().source_id()}});
  }
  return OkStatus();
}

Status EscrowService::GetContract(const connect::CallContext& ctx,
                                  const v1::GetContractRequest& request,
                                  v1::GetContractResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  if (!ids::IsUuid(request.contract_id())) {
    return InvalidArgumentError("contract_id: must be a contract id (UUID)");
  }
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        const std::optional<ContractRecord> contract =
            FindContract(tx, request.contract_id(), Lock::kNone);
        if (!contract) return NotFoundError("contract_id: no such contract of yours");
        if (!caller.HasRole(auth::Role::kOperator)) {
          MARKET_RETURN_IF_ERROR(PartyOf(*contract, caller.subject).status());
        }
        ToProto(*contract, *response.mutable_contract());
        return OkStatus();
      });
}

Status EscrowService::ListMyContracts(const connect::CallContext& ctx,
                                      const v1::ListMyContractsRequest& request,
                                      v1::ListMyContractsResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  int page_size = request.page().page_size();
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidArgumentError("page.page_size: must be 0 (default 20) to 100");
  }
  if (page_size == 0) page_size = kDefaultPageSize;
  MARKET_ASSIGN_OR_RETURN(const auto after, ReadPageToken(request.page().page_token()));
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response.Clear();
        // One more than the page, to know whether another page follows.
        std::vector<ContractRecord> contracts =
            ListContractsOf(tx, caller.subject, after, page_size + 1);
        const bool more = contracts.size() > static_cast<std::size_t>(page_size);
        if (more) contracts.pop_back();
        for (const ContractRecord& contract : contracts) {
          ToProto(contract, *response.add_contracts());
        }
        if (more) response.mutable_page()->set_next_page_token(PageToken(contracts.back()));
        return OkStatus();
      });
}

}  // namespace market::escrow
