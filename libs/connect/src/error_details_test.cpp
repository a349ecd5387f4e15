#include "market/connect/error_details.hpp"

#include <catch2/catch.hpp>

#include "market/connect/error.hpp"

namespace market::connect {
namespace {

using std::chrono::milliseconds;

// What a client decodes from the wire for `status`.
Status OverTheWire(const Status& status) {
  return StatusFromErrorResponse(HttpStatusFor(status.code()), "application/json",
                                 ErrorBody(status));
}

TEST_CASE("field violations, error info and retry delays survive the wire", "[error-details]") {
  const std::vector<FieldViolation> violations = {
      {"email", "must be an address like name@example.com"},
      {"skills[2]", "must not be empty"},
  };
  const Status sent = WithFieldViolations(InvalidArgumentError("bad request"), violations)
                          .WithDetail(ErrorInfo("EMAIL_TAKEN", "identity.market", {{"k", "v"}}))
                          .WithDetail(RetryAfter(milliseconds(1500)));
  const Status received = OverTheWire(sent);
  CHECK(received == sent);
  CHECK(FieldViolationsOf(received) == violations);
  CHECK(ErrorInfoOf(received) == ErrorReason{"EMAIL_TAKEN", "identity.market", {{"k", "v"}}});
  CHECK(RetryDelayOf(received) == milliseconds(1500));
}

TEST_CASE("a status without details has no violations, info or delay", "[error-details]") {
  const Status plain = InvalidArgumentError("email: must not be empty");
  CHECK(FieldViolationsOf(plain).empty());
  CHECK_FALSE(ErrorInfoOf(plain).has_value());
  CHECK_FALSE(RetryDelayOf(plain).has_value());
  CHECK(WithFieldViolations(OkStatus(), std::vector<FieldViolation>{{"a", "b"}}) == OkStatus());
}

TEST_CASE("retry delays are whole milliseconds, never early and never negative",
          "[error-details]") {
  CHECK(RetryDelayOf(UnavailableError("x").WithDetail(RetryAfter(milliseconds(0)))) ==
        milliseconds(0));
  CHECK(RetryDelayOf(UnavailableError("x").WithDetail(RetryAfter(milliseconds(-5)))) ==
        milliseconds(0));
  // 1.0000001 s, written by another server, is waited as 1001 ms.
  const std::string one_second_and_100ns("\x0a\x04\x08\x01\x10\x64", 6);
  CHECK(RetryDelayOf(UnavailableError("x").WithDetail(
            {"google.rpc.RetryInfo", one_second_and_100ns})) == milliseconds(1001));
  // A RetryInfo without a delay, or with an unparsable one, says nothing.
  CHECK_FALSE(RetryDelayOf(UnavailableError("x").WithDetail({"google.rpc.RetryInfo", ""})));
  CHECK_FALSE(RetryDelayOf(UnavailableError("x").WithDetail({"google.rpc.RetryInfo", "\xff"})));
}

TEST_CASE("readers skip details of other types and details that do not parse", "[error-details]") {
  const std::vector<FieldViolation> good = {{"country", "must be an ISO 3166-1 alpha-2 code"}};
  const Status status = InvalidArgumentError("m")
                            .WithDetail({"google.rpc.BadRequest", "\x0a\x05\xff"})  // truncated
                            .WithDetail({"other.Type", BadRequest(good).value})
                            .WithDetail(BadRequest(good));
  CHECK(FieldViolationsOf(status) == good);
}

TEST_CASE("a validator reports every bad field in one invalid_argument", "[error-details]") {
  FieldViolations violations;
  CHECK(violations.empty());
  CHECK(violations.ToStatus() == OkStatus());

  violations.Add("email", "must be an address like name@example.com");
  violations.Add("country", "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
  violations.Add("password", "must have 10 to 128 characters");
  const Status status = violations.ToStatus();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message() ==
        "email: must be an address like name@example.com; "
        "country: must be an ISO 3166-1 alpha-2 code such as \"DE\"; "
        "password: must have 10 to 128 characters");
  REQUIRE(status.details().size() == 1);
  CHECK(status.details()[0].type == "google.rpc.BadRequest");
  const std::vector<FieldViolation> expected = {
      {"email", "must be an address like name@example.com"},
      {"country", "must be an ISO 3166-1 alpha-2 code such as \"DE\""},
      {"password", "must have 10 to 128 characters"},
  };
  CHECK(FieldViolationsOf(status) == expected);
  CHECK(FieldViolationsOf(OverTheWire(status)) == expected);
}

TEST_CASE("one violation reads exactly as the single-field error it replaces", "[error-details]") {
  FieldViolations violations;
  violations.Add("title", "must not be empty");
  const Status status = violations.ToStatus();
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message() == "title: must not be empty");
  CHECK(status == WithFieldViolations(InvalidArgumentError("title: must not be empty"),
                                      std::vector<FieldViolation>{{"title", "must not be empty"}}));
}

TEST_CASE("statuses of existing checks become violations", "[error-details]") {
  FieldViolations violations;
  violations.Add(OkStatus());
  CHECK(violations.empty());
  // The "field: rule" convention of every validator.
  violations.Add(InvalidArgumentError("hourly_rate.currency: must be an ISO 4217 code"));
  // A message that names no field keeps all its text.
  violations.Add(InvalidArgumentError("the request is empty"));
  violations.Add(InvalidArgumentError("two words: are not a field"));
  // A status that already lists violations contributes them, with its other details.
  FieldViolations inner;
  inner.Add("skills[0]", "must not be empty");
  inner.Add("skills[3]", "\"go\" is listed more than once");
  violations.Add(inner.ToStatus().WithDetail(ErrorInfo("DUPLICATE_SKILL", "listings.market")));
  // A StatusOr gives its value, or records its error.
  CHECK(violations.Take(StatusOr<int>(7)) == 7);
  CHECK(violations.Take(StatusOr<int>(InvalidArgumentError("roles: choose one"))) == 0);

  const Status status = violations.ToStatus();
  const std::vector<FieldViolation> expected = {
      {"hourly_rate.currency", "must be an ISO 4217 code"},
      {"", "the request is empty"},
      {"", "two words: are not a field"},
      {"skills[0]", "must not be empty"},
      {"skills[3]", "\"go\" is listed more than once"},
      {"roles", "choose one"},
  };
  CHECK(FieldViolationsOf(status) == expected);
  CHECK(status.message() ==
        "hourly_rate.currency: must be an ISO 4217 code; the request is empty; "
        "two words: are not a field; skills[0]: must not be empty; "
        "skills[3]: \"go\" is listed more than once; roles: choose one");
  CHECK(ErrorInfoOf(status) == ErrorReason{"DUPLICATE_SKILL", "listings.market", {}});
}

TEST_CASE("a check that could not run wins over field violations", "[error-details]") {
  FieldViolations violations;
  violations.Add("email", "must not be empty");
  violations.Add(UnavailableError("the currency table is loading"));
  violations.Add(InternalError("second failure"));
  CHECK_FALSE(violations.empty());
  CHECK(violations.ToStatus() == UnavailableError("the currency table is loading"));
}

}  // namespace
}  // namespace market::connect
