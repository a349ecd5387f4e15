#include "market/connect/server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>
#include <vector>

#include "test_server.hpp"

namespace market::connect {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;
using testing::Exchange;
using testing::Get;
using testing::HeaderOf;
using testing::kCheckPath;
using testing::kEchoPath;
using testing::kLookupPath;
using testing::PercentEncode;
using testing::Post;
using testing::Serialize;
using testing::TestServer;

namespace beast_http = boost::beast::http;

void CheckError(const http::Response& response, unsigned status, std::string_view body) {
  CHECK(response.result_int() == status);
  CHECK(HeaderOf(response, "Content-Type") == "application/json");
  CHECK(response.body() == body);
}

std::string Path(std::string_view path) { return std::string(path); }

http::Request WithHeader(http::Request request, std::string_view name, std::string_view value) {
  request.set(name, value);
  return request;
}

TEST_CASE("a binary POST is answered 200 with the bare binary message", "[server]") {
  TestServer server;
  const auto response = Exchange(
      server.port(), Post(kCheckPath, "application/proto", Serialize(HealthCheckRequest())));
  CHECK(response.result_int() == 200);
  CHECK(HeaderOf(response, "Content-Type") == "application/proto");
  HealthCheckResponse health;
  REQUIRE(health.ParseFromString(response.body()));
  CHECK(health.status() == HealthCheckResponse::SERVING);
}

TEST_CASE("an empty binary body is the empty message", "[server]") {
  TestServer server;
  const auto response = Exchange(server.port(), Post(kCheckPath, "application/proto", ""));
  CHECK(response.result_int() == 200);
  HealthCheckResponse health;
  REQUIRE(health.ParseFromString(response.body()));
  CHECK(health.status() == HealthCheckResponse::SERVING);
}

TEST_CASE("a JSON POST is answered in canonical JSON, unknown fields ignored", "[server]") {
  TestServer server;
  auto request = Post(kEchoPath, "application/json",
                      R"({"echo_text":"hi","repeatCount":"3","addedLater":{"x":1}})");
  request.set("X-Request-Id", "req-1");
  const auto response = Exchange(server.port(), std::move(request));
  CHECK(response.result_int() == 200);
  CHECK(HeaderOf(response, "Content-Type") == "application/json");
  CHECK(response.body() ==
        R"({"echoText":"hi","repeatCount":"3","requestId":"req-1","remainingMs":"-1",)"
        R"("peer":"127.0.0.1"})");

  SECTION("with a charset the reply says the same") {
    const auto charset = Exchange(
        server.port(), Post(kCheckPath, "application/json; charset=utf-8", R"({"service":""})"));
    CHECK(charset.result_int() == 200);
    CHECK(HeaderOf(charset, "Content-Type") == "application/json; charset=utf-8");
    CHECK(charset.body() == R"({"status":"SERVING"})");
  }
}

TEST_CASE("every response echoes the caller's X-Request-Id or carries a fresh one", "[server]") {
  TestServer server;
  const auto ok = Exchange(server.port(), WithHeader(Post(kCheckPath, "application/json", "{}"),
                                                     "X-Request-Id", "abc-123"));
  CHECK(HeaderOf(ok, "X-Request-Id") == "abc-123");
  const auto not_found = Exchange(
      server.port(),
      WithHeader(Post("/nope.Svc/M", "application/json", "{}"), "X-Request-Id", "abc-456"));
  CHECK(not_found.result_int() == 404);
  CHECK(HeaderOf(not_found, "X-Request-Id") == "abc-456");

  const auto fresh = Exchange(server.port(), Post(kCheckPath, "application/json", "{}"));
  const std::string id = HeaderOf(fresh, "X-Request-Id");
  CHECK(id.size() == 32);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  const auto fresh_error = Exchange(server.port(), Post(kCheckPath, "text/plain", "{}"));
  CHECK(HeaderOf(fresh_error, "X-Request-Id").size() == 32);

  SECTION("an id unfit for logs and headers is replaced") {
    for (const std::string& unfit : {std::string("two words"), std::string(129, 'a')}) {
      const auto replaced =
          Exchange(server.port(),
                   WithHeader(Post(kCheckPath, "application/json", "{}"), "X-Request-Id", unfit));
      CHECK(replaced.result_int() == 200);
      CHECK(HeaderOf(replaced, "X-Request-Id").size() == 32);
    }
  }
}

TEST_CASE("a handler learns the caller's IP address, without the port, as the peer", "[server]") {
  TestServer server;
  const auto response =
      Exchange(server.port(), Post(kEchoPath, "application/proto", Serialize(EchoRequest())));
  REQUIRE(response.result_int() == 200);
  EchoResponse echoed;
  REQUIRE(echoed.ParseFromString(response.body()));
  CHECK(echoed.peer() == "127.0.0.1");
}

TEST_CASE("a chunked request body is read whole, as connect-node streams it", "[server]") {
  TestServer server;
  testing::RawConnection connection(server.port());
  connection.Write(
      "POST /market.connecttest.v1.EchoService/Echo HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7\r\n{\"echoT\r\ne\r\next\":\"chunks\"}\r\n0\r\n\r\n");
  const auto response = connection.ReadResponse();
  CHECK(response.result_int() == 200);
  CHECK_THAT(response.body(), Catch::StartsWith(R"({"echoText":"chunks",)"));
}

TEST_CASE("GET serves NO_SIDE_EFFECTS methods from the query string", "[server]") {
  TestServer server;

  SECTION("JSON, percent-encoded") {
    const auto response =
        Exchange(server.port(), Get(Path(kCheckPath) + "?connect=v1&encoding=json&message=" +
                                    PercentEncode(R"({"service":""})")));
    CHECK(response.result_int() == 200);
    CHECK(HeaderOf(response, "Content-Type") == "application/json");
    CHECK(response.body() == R"({"status":"SERVING"})");
  }
  SECTION("parameters in any order, unknown ones ignored") {
    const auto response =
        Exchange(server.port(),
                 Get(Path(kLookupPath) + "?message=" + PercentEncode(R"({"echoText":"a b&c"})") +
                     "&cachebust=42&encoding=json"));
    CHECK(response.result_int() == 200);
    CHECK(response.body() == R"({"echoText":"a b&c","requestId":")" +
                                 HeaderOf(response, "X-Request-Id") +
                                 R"(","remainingMs":"-1","peer":"127.0.0.1"})");
  }
  SECTION("binary, URL-safe base64 with and without padding") {
    EchoRequest request;
    request.set_echo_text("ab?>");  // encodes to bytes whose base64 needs '-', '_' and padding
    const std::string bytes = Serialize(request);
    for (const bool padded : {false, true}) {
      const auto response = Exchange(
          server.port(), Get(Path(kLookupPath) + "?encoding=proto&base64=1&connect=v1&message=" +
                             testing::Base64Url(bytes, padded)));
      CHECK(response.result_int() == 200);
      CHECK(HeaderOf(response, "Content-Type") == "application/proto");
      EchoResponse echoed;
      REQUIRE(echoed.ParseFromString(response.body()));
      CHECK(echoed.echo_text() == "ab?>");
    }
  }
}

TEST_CASE("a malformed GET is refused with the spec's status", "[server]") {
  TestServer server;
  const std::string check = Path(kCheckPath);
  CheckError(Exchange(server.port(), Get(check + "?message=%7B%7D")), 400,
             R"({"code":"invalid_argument","message":"query: missing the encoding parameter"})");
  CheckError(Exchange(server.port(), Get(check + "?encoding=json")), 400,
             R"({"code":"invalid_argument","message":"query: missing the message parameter"})");
  CheckError(
      Exchange(server.port(), Get(check + "?encoding=xml&message=x")), 415,
      R"({"code":"unimplemented","message":"query: encoding \"xml\" is not supported; use json or proto"})");
  CheckError(
      Exchange(server.port(), Get(check + "?encoding=json&message=%7")), 400,
      R"({"code":"invalid_argument","message":"query: malformed percent-encoding in parameter message"})");
  CheckError(Exchange(server.port(), Get(check + "?encoding=proto&base64=1&message=a.b")), 400,
             R"({"code":"invalid_argument","message":"message: not valid URL-safe base64"})");
  CheckError(
      Exchange(server.port(), Get(check + "?connect=v2&encoding=json&message=%7B%7D")), 400,
      R"({"code":"invalid_argument","message":"query: connect must be \"v1\", got \"v2\""})");
  CheckError(
      Exchange(server.port(), Get(check + "?compression=gzip&encoding=json&message=x")), 501,
      R"({"code":"unimplemented","message":"compression \"gzip\" is not supported; send identity"})");

  SECTION("a GET with a body is 415") {
    auto request = Get(check + "?encoding=json&message=%7B%7D");
    request.body() = "{}";
    CheckError(Exchange(server.port(), std::move(request)), 415,
               R"({"code":"unimplemented","message":"a GET request must not have a body"})");
  }
  SECTION("GET on a method with side effects is 405, allowing POST only") {
    const auto response =
        Exchange(server.port(), Get(Path(kEchoPath) + "?encoding=json&message=%7B%7D"));
    CheckError(
        response, 405,
        R"({"code":"unimplemented","message":"HTTP method GET is not allowed for /market.connecttest.v1.EchoService/Echo; use POST"})");
    CHECK(HeaderOf(response, "Allow") == "POST");
    CHECK(server.probe().handler_calls == 0);
  }
}

TEST_CASE("a malformed message is invalid_argument naming the problem", "[server]") {
  TestServer server;
  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/proto", "\xff\xff\xff")), 400,
      R"({"code":"invalid_argument","message":"message is not a valid binary grpc.health.v1.HealthCheckRequest"})");
  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/json", "")), 400,
      R"({"code":"invalid_argument","message":"empty JSON body: send {} for a message with every field unset"})");

  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/json", "{\"service\":")), 400,
      R"({"code":"invalid_argument","message":"message is not valid JSON for grpc.health.v1.HealthCheckRequest: Unexpected end of string. Expected a value."})");
  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/json", R"({"service":42})")), 400,
      R"({"code":"invalid_argument","message":"message is not valid JSON for grpc.health.v1.HealthCheckRequest: (service): invalid value 42 for type TYPE_STRING"})");
  CHECK(server.probe().handler_calls == 0);
}

TEST_CASE("an unknown procedure is 404, a declared method without handler 501", "[server]") {
  TestServer server;
  CheckError(
      Exchange(server.port(), Post("/grpc.health.v1.Health/Watch", "application/json", "{}")), 404,
      R"({"code":"unimplemented","message":"no procedure at /grpc.health.v1.Health/Watch"})");
  CheckError(Exchange(server.port(), Post("/no.such.v1.Service/Check", "application/json", "{}")),
             404,
             R"({"code":"unimplemented","message":"no procedure at /no.such.v1.Service/Check"})");
  CheckError(
      Exchange(server.port(),
               Post("/market.connecttest.v1.EchoService/Forget", "application/json", "{}")),
      501,
      R"({"code":"unimplemented","message":"/market.connecttest.v1.EchoService/Forget is not implemented"})");
}

TEST_CASE("a verb other than POST and GET is 405 with Allow", "[server]") {
  TestServer server;
  auto put = Post(kCheckPath, "application/json", "{}");
  put.method(beast_http::verb::put);
  const auto response = Exchange(server.port(), std::move(put));
  CheckError(
      response, 405,
      R"({"code":"unimplemented","message":"HTTP method PUT is not allowed for /grpc.health.v1.Health/Check; use GET, POST"})");
  CHECK(HeaderOf(response, "Allow") == "GET, POST");

  auto del = Post(kEchoPath, "application/json", "{}");
  del.method(beast_http::verb::delete_);
  const auto echo = Exchange(server.port(), std::move(del));
  CHECK(echo.result_int() == 405);
  CHECK(HeaderOf(echo, "Allow") == "POST");
}

TEST_CASE("an unknown content type is 415 with Accept-Post", "[server]") {
  TestServer server;
  for (const std::string_view content_type :
       {"text/plain", "", "application/grpc", "application/json; charset=latin1"}) {
    INFO(content_type);
    const auto response = Exchange(server.port(), Post(kCheckPath, content_type, "{}"));
    CheckError(response, 415,
               R"({"code":"unimplemented","message":"Content-Type \")" + std::string(content_type) +
                   R"(\" is not supported; use application/proto or application/json"})");
    CHECK(HeaderOf(response, "Accept-Post") ==
          "application/json, application/json; charset=utf-8, application/proto");
  }
}

TEST_CASE("Connect-Protocol-Version, when sent, must be 1", "[server]") {
  TestServer server;
  CheckError(
      Exchange(server.port(), WithHeader(Post(kCheckPath, "application/json", "{}"),
                                         "Connect-Protocol-Version", "2")),
      400,
      R"({"code":"invalid_argument","message":"Connect-Protocol-Version must be \"1\", got \"2\""})");
  CHECK(Exchange(server.port(), WithHeader(Post(kCheckPath, "application/json", "{}"),
                                           "Connect-Protocol-Version", "1"))
            .result_int() == 200);
}

TEST_CASE("a malformed Connect-Timeout-Ms is invalid_argument", "[server]") {
  TestServer server;
  for (const std::string_view timeout : {"abc", "12345678901", "-1", "0", "1.5"}) {
    INFO(timeout);
    CheckError(Exchange(server.port(), WithHeader(Post(kCheckPath, "application/json", "{}"),
                                                  "Connect-Timeout-Ms", timeout)),
               400,
               R"({"code":"invalid_argument","message":"Connect-Timeout-Ms: \")" +
                   std::string(timeout) + R"(\" is not a positive integer of at most 10 digits"})");
  }
  CHECK(server.probe().handler_calls == 0);
}

TEST_CASE("only the identity Content-Encoding is accepted, and replies are never compressed",
          "[server]") {
  TestServer server;
  CheckError(
      Exchange(server.port(),
               WithHeader(Post(kCheckPath, "application/json", "{}"), "Content-Encoding", "gzip")),
      501,
      R"({"code":"unimplemented","message":"compression \"gzip\" is not supported; send identity"})");
  const auto identity =
      Exchange(server.port(), WithHeader(WithHeader(Post(kCheckPath, "application/json", "{}"),
                                                    "Content-Encoding", "identity"),
                                         "Accept-Encoding", "gzip, br"));
  CHECK(identity.result_int() == 200);
  CHECK(HeaderOf(identity, "Content-Encoding").empty());
  CHECK(identity.body() == R"({"status":"SERVING"})");
}

TEST_CASE("a handler's error status goes out as its Connect error", "[server]") {
  TestServer server;
  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/json", R"({"service":"missing"})")),
      404, R"({"code":"not_found","message":"service: no service named \"missing\""})");
}

TEST_CASE("a handler's error details go out with its Connect error", "[server]") {
  TestServer server;
  // BadRequest{[{service, must not be "invalid"}, {service, must name a registered service}]}
  // and ErrorInfo{INVALID_SERVICE, connecttest.market}, in standard base64 without padding.
  CheckError(
      Exchange(server.port(), Post(kCheckPath, "application/json", R"({"service":"invalid"})")),
      400,
      R"({"code":"invalid_argument","message":"service: must not be \"invalid\"; )"
      R"(service: must name a registered service","details":[)"
      R"({"type":"google.rpc.BadRequest","value":")"
      R"(CiAKB3NlcnZpY2USFW11c3Qgbm90IGJlICJpbnZhbGlkIgopCgdzZXJ2aWNlEh5tdXN0IG5hbWUg)"
      R"(YSByZWdpc3RlcmVkIHNlcnZpY2U"},)"
      R"({"type":"google.rpc.ErrorInfo","value":"Cg9JTlZBTElEX1NFUlZJQ0USEmNvbm5lY3R0ZXN0Lm1hcmtldA"}]})");
}

TEST_CASE("a handler that throws is internal, and its text stays in the server", "[server]") {
  TestServer server;
  const auto response =
      Exchange(server.port(), Post(kCheckPath, "application/json", R"({"service":"throw"})"));
  CheckError(response, 500,
             R"({"code":"internal","message":"the server failed to process the call"})");
  CHECK(response.body().find("hunter2") == std::string::npos);
  // The server goes on serving.
  CHECK(Exchange(server.port(), Post(kCheckPath, "application/json", "{}")).result_int() == 200);
}

TEST_CASE("an oversized or malformed request is refused with a Connect error", "[server]") {
  TestServer server;
  SECTION("body over the limit is resource_exhausted") {
    CheckError(
        Exchange(server.port(), Post(kCheckPath, "application/json", std::string(70 << 10, ' '))),
        429, R"({"code":"resource_exhausted","message":"the request body exceeds 65536 bytes"})");
  }
  SECTION("header over the limit is resource_exhausted") {
    CheckError(
        Exchange(server.port(), WithHeader(Post(kCheckPath, "application/json", "{}"), "X-Padding",
                                           std::string(5000, 'x'))),
        429, R"({"code":"resource_exhausted","message":"the request header exceeds 4096 bytes"})");
  }
  SECTION("bytes that are not HTTP are 400") {
    testing::RawConnection connection(server.port());
    connection.Write("THIS IS NOT HTTP\r\n\r\n");
    CheckError(connection.ReadResponse(), 400,
               R"({"code":"invalid_argument","message":"malformed HTTP request"})");
  }
  CHECK(server.probe().handler_calls == 0);
}

TEST_CASE("plain HTTP routes are served beside the RPCs", "[server]") {
  TestServer server;
  const auto healthz = Exchange(server.port(), Get("/healthz"));
  CHECK(healthz.result_int() == 200);
  CHECK(healthz.body() == "ok\n");
  CHECK(HeaderOf(healthz, "X-Request-Id").size() == 32);

  const auto wrong_verb = Exchange(server.port(), Post("/healthz", "text/plain", ""));
  CheckError(
      wrong_verb, 405,
      R"({"code":"unimplemented","message":"HTTP method POST is not allowed for /healthz; use GET"})");
  CHECK(HeaderOf(wrong_verb, "Allow") == "GET");
}

TEST_CASE("the call observer sees every answered call with the code sent", "[server]") {
  TestServer server;
  Exchange(server.port(), Post(kCheckPath, "application/json", "{}"));
  Exchange(server.port(), Post(kCheckPath, "application/json", R"({"service":"missing"})"));
  Exchange(server.port(), Post(kCheckPath, "text/plain", "{}"));
  Exchange(server.port(), Post("/unknown.Service/Method", "application/json", "{}"));

  // The observer runs just after the answer is handed over; give it a moment.
  for (int i = 0; i < 200 && server.probe().Finished().size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto finished = server.probe().Finished();
  std::sort(finished.begin(), finished.end());
  const std::string check(kCheckPath);
  // Unknown paths are not calls: counting them would let any client mint metric labels.
  const std::vector<std::pair<std::string, StatusCode>> expected = {
      {check, StatusCode::kOk},
      {check, StatusCode::kNotFound},
      {check, StatusCode::kUnimplemented}};
  CHECK(finished == expected);
}

}  // namespace
}  // namespace market::connect
