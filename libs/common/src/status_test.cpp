#include "market/common/status.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "market/common/statusor.hpp"

namespace market {
namespace {

TEST_CASE("every code has the Connect name and HTTP status of the spec", "[status]") {
  struct Row {
    StatusCode code;
    std::string_view name;
    int http;
  };
  const Row rows[] = {
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
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    CHECK(CodeName(row.code) == row.name);
    CHECK(HttpStatusFor(row.code) == row.http);
    REQUIRE(CodeFromName(row.name).has_value());
    CHECK(*CodeFromName(row.name) == row.code);
  }
  CHECK_FALSE(CodeFromName("bogus").has_value());
}

TEST_CASE("a client infers codes from bare HTTP statuses as the spec says", "[status]") {
  CHECK(CodeFromHttpStatus(400) == StatusCode::kInternal);
  CHECK(CodeFromHttpStatus(401) == StatusCode::kUnauthenticated);
  CHECK(CodeFromHttpStatus(403) == StatusCode::kPermissionDenied);
  CHECK(CodeFromHttpStatus(404) == StatusCode::kUnimplemented);
  CHECK(CodeFromHttpStatus(429) == StatusCode::kUnavailable);
  CHECK(CodeFromHttpStatus(502) == StatusCode::kUnavailable);
  CHECK(CodeFromHttpStatus(503) == StatusCode::kUnavailable);
  CHECK(CodeFromHttpStatus(504) == StatusCode::kUnavailable);
  CHECK(CodeFromHttpStatus(418) == StatusCode::kUnknown);
}

Status FailIfNegative(int value) {
  if (value < 0) return InvalidArgumentError("value: must not be negative");
  return OkStatus();
}

StatusOr<int> Doubled(int value) {
  MARKET_RETURN_IF_ERROR(FailIfNegative(value));
  return value * 2;
}

StatusOr<int> DoubledTwice(int value) {
  MARKET_ASSIGN_OR_RETURN(int once, Doubled(value));
  return once * 2;
}

TEST_CASE("StatusOr carries either a value or the error that replaced it", "[status]") {
  auto good = DoubledTwice(3);
  REQUIRE(good.ok());
  CHECK(*good == 12);

  auto bad = DoubledTwice(-1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().ToString() == "invalid_argument: value: must not be negative");
}

TEST_CASE("an error carries its details in order; an OK status carries none", "[status]") {
  const ErrorDetail first{"google.rpc.BadRequest", std::string("\x0a\x00", 2)};
  const ErrorDetail second{"google.rpc.ErrorInfo", std::string("\x0a\x03", 2) + "BAD"};
  Status status = InvalidArgumentError("email: must not be empty");
  status.AddDetail(first);
  const Status both = status.WithDetail(second);
  CHECK(status.details() == std::vector<ErrorDetail>{first});
  CHECK(both.details() == std::vector<ErrorDetail>{first, second});
  CHECK(both.message() == "email: must not be empty");
  CHECK(both.ToString() == "invalid_argument: email: must not be empty");

  Status ok = OkStatus();
  ok.AddDetail(first);
  CHECK(ok.details().empty());
  CHECK(OkStatus().WithDetail(first) == OkStatus());
}

TEST_CASE("statuses are equal only with equal details", "[status]") {
  const ErrorDetail detail{"google.rpc.RetryInfo", "\x0a\x02\x08\x01"};
  const Status plain = ResourceExhaustedError("slow down");
  const Status with_detail = plain.WithDetail(detail);
  CHECK(with_detail != plain);
  CHECK(with_detail == ResourceExhaustedError("slow down").WithDetail(detail));
  CHECK(with_detail != plain.WithDetail({"google.rpc.RetryInfo", "\x0a\x02\x08\x02"}));

  std::ostringstream printed;
  printed << with_detail;
  CHECK(printed.str() == "resource_exhausted: slow down [google.rpc.RetryInfo]");
}

}  // namespace
}  // namespace market
