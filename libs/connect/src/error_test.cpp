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
  // Unknown members such as details are ignored.
  CHECK(StatusFromErrorResponse(
            409, "application/json",
            R"({"code":"already_exists","message":"m","details":[{"type":"x","value":""}]})") ==
        AlreadyExistsError("m"));
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
