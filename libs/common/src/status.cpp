#include "market/common/status.hpp"

#include <array>
#include <utility>

namespace market {
namespace {

struct CodeInfo {
  StatusCode code;
  std::string_view name;
  int http_status;
};

// connectrpc.com/docs/protocol, "Error Codes": the name and HTTP status of every code.
constexpr std::array<CodeInfo, 17> kCodes{{
    {StatusCode::kOk, "ok", 200},
    {StatusCode::kCanceled, "canceled", 499},
    {StatusCode::kUnknown, "unknown", 500},
    {StatusCode::kInvalidArgument, "invalid_argument", 400},
    {StatusCode::kDeadlineExceeded, "deadline_exceeded", 504},
    {StatusCode::kNotFound, "not_found", 404},
    {StatusCode::kAlreadyExists, "already_exists", 409},
    {StatusCode::kPermissionDenied, "permission_denied", 403},
    {StatusCode::kResourceExhausted, "resource_exhausted", 429},
    {StatusCode::kFailedPrecondition, "failed_precondition", 400},
    {StatusCode::kAborted, "aborted", 409},
    {StatusCode::kOutOfRange, "out_of_range", 400},
    {StatusCode::kUnimplemented, "unimplemented", 501},
    {StatusCode::kInternal, "internal", 500},
    {StatusCode::kUnavailable, "unavailable", 503},
    {StatusCode::kDataLoss, "data_loss", 500},
    {StatusCode::kUnauthenticated, "unauthenticated", 401},
}};

const CodeInfo& InfoFor(StatusCode code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes[2];  // unknown
}

}  // namespace

std::string_view CodeName(StatusCode code) { return InfoFor(code).name; }

std::optional<StatusCode> CodeFromName(std::string_view name) {
  for (const auto& info : kCodes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

int HttpStatusFor(StatusCode code) { return InfoFor(code).http_status; }

StatusCode CodeFromHttpStatus(int http_status) {
  // connectrpc.com/docs/protocol, "HTTP to Error Code": used when no Connect error body came.
  switch (http_status) {
    case 400:
      return StatusCode::kInternal;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kUnimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kUnknown;
  }
}

std::string Status::ToString() const {
  std::string text(CodeName(code_));
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

std::ostream& operator<<(std::ostream& out, const Status& status) {
  return out << status.ToString();
}

Status CanceledError(std::string m) { return {StatusCode::kCanceled, std::move(m)}; }
Status UnknownError(std::string m) { return {StatusCode::kUnknown, std::move(m)}; }
Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }

}  // namespace market
