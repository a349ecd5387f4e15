// Status: the outcome of an operation that can fail in an expected way.
//
// The codes are exactly the Connect protocol's error codes (connectrpc.com/docs/protocol,
// "Error Codes"), so a Status travels from domain code to the wire without translation:
//
//   market::Status CheckTitle(std::string_view title) {
//     if (title.empty()) return market::InvalidArgumentError("title: must not be empty");
//     return market::OkStatus();
//   }
//
// Exceptions are reserved for bugs and infrastructure failures; they are caught once, at the
// RPC dispatcher, and become `internal` without leaking their text.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace market {

enum class StatusCode {
  kOk,
  kCanceled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

// The wire name of a code ("invalid_argument"); "ok" for kOk.
std::string_view CodeName(StatusCode code);
// The inverse of CodeName; nullopt for names the protocol does not define.
std::optional<StatusCode> CodeFromName(std::string_view name);
// The HTTP status the Connect protocol assigns to a code (200 for kOk).
int HttpStatusFor(StatusCode code);
// The code a Connect client infers from an HTTP status when the body carries no error.
StatusCode CodeFromHttpStatus(int http_status);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: title: must not be empty"
  std::string ToString() const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& out, const Status& status);

inline Status OkStatus() { return Status(); }
Status CanceledError(std::string message);
Status UnknownError(std::string message);
Status InvalidArgumentError(std::string message);
Status DeadlineExceededError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status UnauthenticatedError(std::string message);

}  // namespace market

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define MARKET_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::market::Status market_status_ = (expr);        \
    if (!market_status_.ok()) return market_status_; \
  } while (false)
