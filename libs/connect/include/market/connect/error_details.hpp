// Typed error details: the google.rpc messages (proto/google/rpc/error_details.proto) that a
// Connect error carries beside its message, so that programs need not parse the text.
//
// A validator reports every bad field of a request in one answer:
//
//   market::connect::FieldViolations violations;
//   if (!IsEmail(email)) violations.Add("email", "must be an address like name@example.com");
//   if (!IsCountryCode(country)) violations.Add("country", "must be an ISO 3166-1 alpha-2 code");
//   MARKET_RETURN_IF_ERROR(violations.ToStatus());
//   // invalid_argument "email: must be ...; country: must be ..." with one google.rpc.BadRequest
//   // detail that lists both fields
//
// Other errors say why (ErrorInfo) or when to come back (RetryInfo):
//
//   return market::ResourceExhaustedError("rate limit exceeded; retry in 1500 ms")
//       .WithDetail(market::connect::RetryAfter(std::chrono::milliseconds(1500)));
//
// and a client reads them back from the Status it got:
//
//   if (auto delay = market::connect::RetryDelayOf(status)) WaitFor(*delay);
//   for (const auto& violation : market::connect::FieldViolationsOf(status)) Show(violation);
//
// Readers skip details they cannot parse: a detail is advice from the peer, never a reason to fail.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "market/common/status.hpp"
#include "market/common/statusor.hpp"

namespace market::connect {

inline constexpr std::string_view kBadRequestType = "google.rpc.BadRequest";
inline constexpr std::string_view kErrorInfoType = "google.rpc.ErrorInfo";
inline constexpr std::string_view kRetryInfoType = "google.rpc.RetryInfo";

// One entry of a google.rpc.BadRequest.
struct FieldViolation {
  std::string field;        // the field's path: "email", "skills[2]", "hourly_rate.currency"
  std::string description;  // the rule it breaks: "must not be empty"

  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

// The content of a google.rpc.ErrorInfo.
struct ErrorReason {
  std::string reason;  // UPPER_SNAKE_CASE, unique within the domain: "EMAIL_TAKEN"
  std::string domain;  // who defines the reason: "identity.market"
  std::map<std::string, std::string> metadata;

  friend bool operator==(const ErrorReason&, const ErrorReason&) = default;
};

// A google.rpc.BadRequest listing `violations` in order.
ErrorDetail BadRequest(std::span<const FieldViolation> violations);
// A google.rpc.ErrorInfo.
ErrorDetail ErrorInfo(std::string_view reason, std::string_view domain,
                      const std::map<std::string, std::string>& metadata = {});
// A google.rpc.RetryInfo asking the caller to wait `delay` (at least zero) before retrying.
ErrorDetail RetryAfter(std::chrono::milliseconds delay);

// `status` with a google.rpc.BadRequest listing `violations` added (unchanged when OK).
Status WithFieldViolations(Status status, std::span<const FieldViolation> violations);

// Every field violation of every google.rpc.BadRequest in `status`, in order.
std::vector<FieldViolation> FieldViolationsOf(const Status& status);
// The first google.rpc.ErrorInfo in `status`.
std::optional<ErrorReason> ErrorInfoOf(const Status& status);
// The delay of the first google.rpc.RetryInfo in `status` that has one, rounded up to whole
// milliseconds so that a caller who waits it is never early; nullopt for a negative delay.
std::optional<std::chrono::milliseconds> RetryDelayOf(const Status& status);

// Collects the violations of a request's fields so that one answer names every bad field.
// Each field's own message stays as before ("email: must ..."); several are joined with "; ".
class FieldViolations {
 public:
  // Records that `field` breaks the rule `description`.
  void Add(std::string field, std::string description);

  // Records the outcome of a check that returns a Status: nothing when it is OK; the field
  // violations it carries; otherwise, for invalid_argument, the field its message names by the
  // convention "field: rule". A failure of another kind means the request could not be checked
  // at all: the first one is kept and ToStatus returns it instead of the violations.
  void Add(const Status& check);

  // The value of `result`; when there is none, its error is recorded as by Add(const Status&)
  // and a default T is returned, so that the other fields are still checked.
  template <typename T>
  T Take(StatusOr<T> result) {
    if (result.ok()) return std::move(result).value();
    Add(result.status());
    return T{};
  }

  bool empty() const { return violations_.empty() && failure_.ok(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }

  // OK when nothing was recorded; otherwise invalid_argument whose message joins
  // "field: description" of each violation with "; ", with one google.rpc.BadRequest listing
  // them in the order recorded (and any other details the recorded statuses carried).
  Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
  std::vector<ErrorDetail> other_details_;
  Status failure_;
};

}  // namespace market::connect
