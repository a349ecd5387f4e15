#include "market/connect/error.hpp"

#include <catch2/catch.hpp>

namespace market::connect {
namespace {

TEST_CASE("an error body names the code and carries the message", "[error]") {
  CHECK(ErrorBody(NotFoundError("job 7: no such job")) ==
        R"({"code":"not_found","message":"job 7: no such job"})");
  CHECK(ErrorBody(InvalidArgumentError("title: \"quoted\"\n")) ==
        R"({"code":"invalid_argument","message":"title: \"quoted\"\n"})");
  CHECK(ErrorBody(Status(StatusCode::kUnavailable, "")) == R"({"code":"unavailable"})");
}

TEST_CASE("a Connect error body comes back as the status that was sent", "[error]") {
  const Status sent = PermissionDeniedError("only the job's owner may accept a bid");
  CHECK(StatusFromErrorResponse(403, "application/json", ErrorBody(sent)) == sent);
  // The body's code wins over the HTTP status, as the spec says.
  CHECK(StatusFromErrorResponse(500, "application/json; charset=utf-8",
                                R"({"code":"aborted","message":"retry"})") ==
        AbortedError("retry"));
  // Unknown members are ignored.
  CHECK(StatusFromErrorResponse(409, "application/json",
                                R"({"code":"already_exists","message":"m","trace":[1]})") ==
        AlreadyExistsError("m"));
}

TEST_CASE("details are written as type and unpadded standard base64, and read back", "[error]") {
  // The spec's own example: a RetryInfo of 60 seconds is "CgIIPA".
  const Status exhausted =
      ResourceExhaustedError("slow down")
          .WithDetail({"google.rpc.RetryInfo", std::string("\x0a\x02\x08\x3c", 4)});
  CHECK(ErrorBody(exhausted) == R"({"code":"resource_exhausted","message":"slow down",)"
                                R"("details":[{"type":"google.rpc.RetryInfo","value":"CgIIPA"}]})");
  CHECK(StatusFromErrorResponse(429, "application/json", ErrorBody(exhausted)) == exhausted);

  // Bytes that need "+" and "/" and every padding length survive the round trip, in order.
  Status several = InvalidArgumentError("email: must not be empty");
  for (std::string value : {std::string("\xfb\xff\xfe", 3), std::string("\xfb", 1),
                            std::string("\xfb\xef", 2), std::string()}) {
    several.AddDetail({"test.Bytes", value});
  }
  const std::string body = ErrorBody(several);
  CHECK(body.find('=') == std::string::npos);
  CHECK(StatusFromErrorResponse(400, "application/json", body) == several);
}

TEST_CASE("padded detail values are accepted as well", "[error]") {
  const Status read = StatusFromErrorResponse(
      429, "application/json",
      R"({"code":"resource_exhausted","details":[{"type":"google.rpc.RetryInfo",)"
      R"("value":"CgIIPA==","debug":{"retryDelay":"60s"}}]})");
  CHECK(read == Status(StatusCode::kResourceExhausted, "")
                    .WithDetail({"google.rpc.RetryInfo", std::string("\x0a\x02\x08\x3c", 4)}));
}

TEST_CASE("malformed details are skipped and the error itself is kept", "[error]") {
  const std::string_view bodies[] = {
      R"({"code":"invalid_argument","message":"m","details":"CgIIPA"})",
      R"({"code":"invalid_argument","message":"m","details":{"type":"a","value":""}})",
      R"({"code":"invalid_argument","message":"m","details":[null,1,"x",[],{}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"value":"CgIIPA"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"","value":"CgIIPA"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":7,"value":"CgIIPA"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a","value":7}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a","value":"C"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a","value":"-_8"}]})",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a","value":"Cg=I"}]})",
  };
  for (const auto body : bodies) {
    CAPTURE(body);
    CHECK(StatusFromErrorResponse(400, "application/json", body) == InvalidArgumentError("m"));
  }
  // A good detail beside bad ones is kept.
  const Status mixed = StatusFromErrorResponse(
      400, "application/json",
      R"({"code":"invalid_argument","message":"m","details":[{"type":"a","value":"!"},)"
      R"({"type":"google.rpc.BadRequest","value":""}]})");
  CHECK(mixed == InvalidArgumentError("m").WithDetail({"google.rpc.BadRequest", ""}));
}

TEST_CASE("without a usable error body the code comes from the HTTP status", "[error]") {
  struct Row {
    int http;
    std::string_view content_type;
    std::string_view body;
    StatusCode code;
  };
  const Row rows[] = {
      {400, "text/plain", "bad", StatusCode::kInternal},
      {401, "", "", StatusCode::kUnauthenticated},
      {403, "text/html", "<h1>no</h1>", StatusCode::kPermissionDenied},
      {404, "text/plain", "404 page not found", StatusCode::kUnimplemented},
      {429, "", "", StatusCode::kUnavailable},
      {502, "text/html", "bad gateway", StatusCode::kUnavailable},
      {503, "application/json", "not json", StatusCode::kUnavailable},
      {504, "application/json", "[1,2]", StatusCode::kUnavailable},
      {500, "application/json", R"({"code":"not_a_code"})", StatusCode::kUnknown},
      {418, "", "", StatusCode::kUnknown},
  };
  for (const auto& row : rows) {
    INFO(row.http << " " << row.body);
    const Status status = StatusFromErrorResponse(row.http, row.content_type, row.body);
    CHECK(status.code() == row.code);
    CHECK(status.message() == "upstream answered HTTP " + std::to_string(row.http));
  }
  // A message without a known code keeps the message, with the code from the status.
  CHECK(StatusFromErrorResponse(503, "application/json", R"({"message":"draining"})") ==
        UnavailableError("draining"));
}

}  // namespace
}  // namespace market::connect
