#include "market/pg/errors.hpp"

#include <pqxx/except>

#include <string_view>

namespace market::pg {
namespace {

// PostgreSQL error codes (postgresql.org/docs/current/errcodes-appendix.html).
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kSerializationFailure = "40001";
constexpr std::string_view kDeadlockDetected = "40P01";
constexpr std::string_view kStatementCompletionUnknown = "40003";
constexpr std::string_view kQueryCanceled = "57014";
constexpr std::string_view kInsufficientPrivilege = "42501";
constexpr std::string_view kTooManyConnections = "53300";

constexpr char kConflictMessage[] = "conflicting write; retry";
constexpr char kUnavailableMessage[] = "database unavailable; retry";
constexpr char kInDoubtMessage[] = "database connection lost during commit; outcome unknown";

bool InClass(std::string_view sqlstate, std::string_view error_class) {
  return sqlstate.substr(0, 2) == error_class;
}

// 08: connection exception; 57P01..57P03: the server is shutting down or not yet accepting.
bool IsConnectionSqlState(std::string_view sqlstate) {
  return InClass(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == kTooManyConnections;
}

Status StatusFromSqlState(std::string_view sqlstate) {
  if (sqlstate == kUniqueViolation) return AlreadyExistsError("already exists");
  if (InClass(sqlstate, "23")) {
    return FailedPreconditionError("the change violates a data constraint");
  }
  if (sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected) {
    return AbortedError(kConflictMessage);
  }
  if (sqlstate == kStatementCompletionUnknown) return UnavailableError(kInDoubtMessage);
  if (InClass(sqlstate, "40")) return AbortedError(kConflictMessage);
  if (sqlstate == kQueryCanceled) return DeadlineExceededError("database deadline exceeded");
  if (sqlstate == kInsufficientPrivilege)
    return PermissionDeniedError("database permission denied");
  if (IsConnectionSqlState(sqlstate)) return UnavailableError(kUnavailableMessage);
  return InternalError("database error");
}

// libpqxx 6 drops the SQLSTATE for some errors it raises as typed exceptions (permission
// denied, serialization failure, deadlock, ...): the type then tells which code it was.
std::string_view SqlStateFromType(const std::exception& error) {
  if (dynamic_cast<const pqxx::serialization_failure*>(&error)) return kSerializationFailure;
  if (dynamic_cast<const pqxx::deadlock_detected*>(&error)) return kDeadlockDetected;
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&error)) {
    return kStatementCompletionUnknown;
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&error)) return "40000";
  if (dynamic_cast<const pqxx::unique_violation*>(&error)) return kUniqueViolation;
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&error)) return "23503";
  if (dynamic_cast<const pqxx::check_violation*>(&error)) return "23514";
  if (dynamic_cast<const pqxx::not_null_violation*>(&error)) return "23502";
  if (dynamic_cast<const pqxx::restrict_violation*>(&error)) return "23001";
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&error)) return "23000";
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&error)) return kInsufficientPrivilege;
  if (dynamic_cast<const pqxx::too_many_connections*>(&error)) return kTooManyConnections;
  return "";
}

}  // namespace

std::string SqlState(const std::exception& error) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    if (!sql->sqlstate().empty()) return sql->sqlstate();
  }
  return std::string(SqlStateFromType(error));
}

Status StatusFromException(const std::exception& error) {
  // Raised by libpqxx itself, with no server error behind them.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error)) return UnavailableError(kInDoubtMessage);
  if (dynamic_cast<const pqxx::broken_connection*>(&error)) {
    return UnavailableError(kUnavailableMessage);
  }
  return StatusFromSqlState(SqlState(error));
}

bool IsRetryable(const std::exception& error) {
  const std::string sqlstate = SqlState(error);
  return sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected;
}

bool IsConnectionLost(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error)) return true;
  return IsConnectionSqlState(SqlState(error));
}

bool ShouldDiscardConnection(const std::exception& error) {
  return IsConnectionLost(error) || dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr ||
         dynamic_cast<const pqxx::statement_completion_unknown*>(&error) != nullptr;
}

}  // namespace market::pg
