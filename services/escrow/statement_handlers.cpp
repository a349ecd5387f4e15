// GetYearlyStatement and ExportStatementCsv: the caller's own statement (statement.hpp).
#include "escrow_service.hpp"
#include "market/money/currency.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "statement.hpp"

namespace market::escrow {
namespace {

inline constexpr int kFirstYear = 2000;
inline constexpr int kLastYear = 2100;

Status ValidatePeriod(int year, const std::string& currency) {
  if (year < kFirstYear || year > kLastYear) {
    return InvalidArgumentError("year: must be from 2000 to 2100");
  }
  if (!money::FindCurrency(currency)) {
    return InvalidArgumentError("currency: must be an ISO 4217 code from the currency table");
  }
  return OkStatus();
}

}  // namespace

Status EscrowService::GetYearlyStatement(const connect::CallContext& ctx,
                                         const v1::GetYearlyStatementRequest& request,
                                         v1::GetYearlyStatementResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidatePeriod(request.year(), request.currency()));
  // One snapshot, so that every figure comes from the same state of the ledger.
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        *response.mutable_statement() =
            BuildStatement(tx, caller.subject, request.year(), request.currency());
        return OkStatus();
      });
}

Status EscrowService::ExportStatementCsv(const connect::CallContext& ctx,
                                         const v1::ExportStatementCsvRequest& request,
                                         v1::ExportStatementCsvResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidatePeriod(request.year(), request.currency()));
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        response.set_csv(
            StatementCsv(BuildStatement(tx, caller.subject, request.year(), request.currency())));
        response.set_file_name("statement-" + std::to_string(request.year()) + "-" +
                               request.currency() + ".csv");
        return OkStatus();
      });
}

}  // namespace market::escrow
