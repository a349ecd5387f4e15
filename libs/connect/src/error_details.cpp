#include "market/connect/error_details.hpp"

#include <google/protobuf/duration.pb.h>
#include <google/rpc/error_details.pb.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>

namespace market::connect {
namespace {

template <typename Message>
ErrorDetail Pack(std::string_view type, const Message& message) {
  return ErrorDetail{std::string(type), message.SerializeAsString()};
}

// Calls `use` with each detail of `type` in `status` that parses; the others are skipped.
template <typename Message, typename Use>
void ForEachDetail(const Status& status, std::string_view type, Use use) {
  for (const ErrorDetail& detail : status.details()) {
    if (detail.type != type) continue;
    Message message;
    if (message.ParseFromString(detail.value)) use(message);
  }
}

// "field: rule" -> {"field", "rule"}. A message that does not start with a field path (no
// separator, or spaces before it) names no field and is all description.
FieldViolation ViolationFromMessage(std::string_view message) {
  const auto separator = message.find(": ");
  if (separator == std::string_view::npos || separator == 0 ||
      message.substr(0, separator).find(' ') != std::string_view::npos) {
    return FieldViolation{"", std::string(message)};
  }
  return FieldViolation{std::string(message.substr(0, separator)),
                        std::string(message.substr(separator + 2))};
}

}  // namespace

ErrorDetail BadRequest(std::span<const FieldViolation> violations) {
  google::rpc::BadRequest message;
  for (const FieldViolation& violation : violations) {
    auto* entry = message.add_field_violations();
    entry->set_field(violation.field);
    entry->set_description(violation.description);
  }
  return Pack(kBadRequestType, message);
}

ErrorDetail ErrorInfo(std::string_view reason, std::string_view domain,
                      const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo message;
  message.set_reason(std::string(reason));
  message.set_domain(std::string(domain));
  message.mutable_metadata()->insert(metadata.begin(), metadata.end());
  return Pack(kErrorInfoType, message);
}

ErrorDetail RetryAfter(std::chrono::milliseconds delay) {
  const auto millis = std::max<std::chrono::milliseconds::rep>(0, delay.count());
  google::rpc::RetryInfo message;
  message.mutable_retry_delay()->set_seconds(millis / 1000);
  message.mutable_retry_delay()->set_nanos(static_cast<int>(millis % 1000) * 1'000'000);
  return Pack(kRetryInfoType, message);
}

Status WithFieldViolations(Status status, std::span<const FieldViolation> violations) {
  return std::move(status).WithDetail(BadRequest(violations));
}

std::vector<FieldViolation> FieldViolationsOf(const Status& status) {
  std::vector<FieldViolation> violations;
  ForEachDetail<google::rpc::BadRequest>(
      status, kBadRequestType, [&](const google::rpc::BadRequest& message) {
        for (const auto& entry : message.field_violations()) {
          violations.push_back(FieldViolation{entry.field(), entry.description()});
        }
      });
  return violations;
}

std::optional<ErrorReason> ErrorInfoOf(const Status& status) {
  std::optional<ErrorReason> found;
  ForEachDetail<google::rpc::ErrorInfo>(
      status, kErrorInfoType, [&](const google::rpc::ErrorInfo& message) {
        if (found) return;
        found = ErrorReason{message.reason(),
                            message.domain(),
                            {message.metadata().begin(), message.metadata().end()}};
      });
  return found;
}

std::optional<std::chrono::milliseconds> RetryDelayOf(const Status& status) {
  std::optional<std::chrono::milliseconds> found;
  ForEachDetail<google::rpc::RetryInfo>(
      status, kRetryInfoType, [&](const google::rpc::RetryInfo& message) {
        if (found || !message.has_retry_delay()) return;
        const auto& delay = message.retry_delay();
        // google.protobuf.Duration: seconds and nanos share a sign; nanos stay below 1e9.
        if (delay.seconds() < 0 || delay.nanos() < 0 || delay.nanos() >= 1'000'000'000) return;
        constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000 - 1;
        const std::int64_t seconds = std::min<std::int64_t>(delay.seconds(), kMaxSeconds);
        found = std::chrono::milliseconds(seconds * 1000 + (delay.nanos() + 999'999) / 1'000'000);
      });
  return found;
}

void FieldViolations::Add(std::string field, std::string description) {
  violations_.push_back(FieldViolation{std::move(field), std::move(description)});
}

void FieldViolations::Add(const Status& check) {
  if (check.ok()) return;
  if (check.code() != StatusCode::kInvalidArgument) {
    if (failure_.ok()) failure_ = check;
    return;
  }
  std::vector<FieldViolation> carried = FieldViolationsOf(check);
  if (carried.empty()) carried.push_back(ViolationFromMessage(check.message()));
  violations_.insert(violations_.end(), std::make_move_iterator(carried.begin()),
                     std::make_move_iterator(carried.end()));
  for (const ErrorDetail& detail : check.details()) {
    if (detail.type != kBadRequestType) other_details_.push_back(detail);
  }
}

Status FieldViolations::ToStatus() const {
  if (!failure_.ok()) return failure_;
  if (violations_.empty()) return OkStatus();
  std::string message;
  for (const FieldViolation& violation : violations_) {
    if (!message.empty()) message += "; ";
    if (!violation.field.empty()) message += violation.field + ": ";
    message += violation.description;
  }
  Status status = WithFieldViolations(InvalidArgumentError(std::move(message)), violations_);
  for (const ErrorDetail& detail : other_details_) status.AddDetail(detail);
  return status;
}

}  // namespace market::connect
