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
// A status may also carry typed details, which the Connect protocol sends beside the message
// (a BadRequest listing every bad field, a RetryInfo saying when to come back). The message
// stays the human-readable account; details are for programs. This library knows no protobuf:
// a detail is a message name and its serialised bytes, built and read by
// market/connect/error_details.hpp:
//
//   market::Status status = market::ResourceExhaustedError("rate limit exceeded; retry in 1 s");
//   status.AddDetail(market::connect::RetryAfter(std::chrono::seconds(1)));
//
// Exceptions are reserved for bugs and infrastructure failures; they are caught once, at the
// RPC dispatcher, and become `internal` without leaking their text.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// One typed detail of an error (connectrpc.com/docs/protocol, "Error"): the fully-qualified
// name of a protobuf message and its binary encoding, e.g. {"google.rpc.BadRequest", <bytes>}.
struct ErrorDetail {
  std::string type;
  std::string value;

  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // In the order they were added.
  const std::vector<ErrorDetail>& details() const { return details_; }

  // Appends a detail. An OK status carries no details, so on OK this does nothing.
  void AddDetail(ErrorDetail detail);
  // This status with one more detail, for return statements.
  Status WithDetail(ErrorDetail detail) const&;
  Status WithDetail(ErrorDetail detail) &&;

  // "invalid_argument: title: must not be empty" (details are not part of the text).
  std::string ToString() const;

  // Equal when code, message and details (in order) are equal.
  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<ErrorDetail> details_;
};

// ToString(), then the type of each detail in brackets, so that a failed test comparing two
// statuses shows where they differ: "invalid_argument: email: ... [google.rpc.BadRequest]".
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
