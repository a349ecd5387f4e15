#include "market/connect/codec.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "echo_test.pb.h"
#include "grpc/health/v1/health.pb.h"

namespace market::connect {
namespace {

using grpc::health::v1::HealthCheckResponse;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;

TEST_CASE("only the unary Connect content types pick a codec", "[codec]") {
  struct Row {
    std::string_view content_type;
    std::optional<Codec> codec;
  };
  const Row rows[] = {
      {"application/proto", Codec::kProto},
      {"application/json", Codec::kJson},
      {"application/json; charset=utf-8", Codec::kJson},
      {"application/json;charset=UTF-8", Codec::kJson},
      {"Application/JSON; Charset=\"utf-8\"", Codec::kJson},
      {" application/proto ", Codec::kProto},
      {"application/json; charset=latin1", std::nullopt},
      {"application/json; boundary=x", std::nullopt},
      {"application/proto; charset=utf-8", std::nullopt},
      {"application/connect+proto", std::nullopt},
      {"application/grpc", std::nullopt},
      {"text/plain", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& row : rows) {
    INFO(row.content_type);
    CHECK(CodecForContentType(row.content_type) == row.codec);
  }
  CHECK(CodecForName("json") == Codec::kJson);
  CHECK(CodecForName("proto") == Codec::kProto);
  CHECK(CodecForName("JSON") == std::nullopt);
  CHECK(ContentTypeFor(Codec::kProto) == "application/proto");
  CHECK(ContentTypeFor(Codec::kJson) == "application/json");
}

TEST_CASE("JSON is canonical proto3 JSON: lowerCamelCase, int64 as strings, enums as names",
          "[codec]") {
  EchoResponse response;
  response.set_echo_text("hé \"quoted\"");
  response.set_repeat_count(9007199254740993);
  std::string out;
  REQUIRE(EncodeMessage(Codec::kJson, response, out).ok());
  CHECK(out == R"({"echoText":"hé \"quoted\"","repeatCount":"9007199254740993"})");

  HealthCheckResponse health;
  health.set_status(HealthCheckResponse::SERVING);
  REQUIRE(EncodeMessage(Codec::kJson, health, out).ok());
  CHECK(out == R"({"status":"SERVING"})");

  // Default values are left out, so the empty message is {}.
  REQUIRE(EncodeMessage(Codec::kJson, HealthCheckResponse(), out).ok());
  CHECK(out == "{}");
}

TEST_CASE("JSON input accepts both field spellings and ignores unknown fields", "[codec]") {
  EchoRequest request;
  REQUIRE(DecodeMessage(Codec::kJson,
                        R"({"echoText":"a","repeat_count":"5","somethingNew":{"x":[1,2]}})",
                        request)
              .ok());
  CHECK(request.echo_text() == "a");
  CHECK(request.repeat_count() == 5);
}

TEST_CASE("an empty JSON body is rejected, an empty binary body is the empty message", "[codec]") {
  EchoRequest request;
  request.set_echo_text("stale");
  REQUIRE(DecodeMessage(Codec::kProto, "", request).ok());
  CHECK(request.echo_text().empty());

  const Status empty_json = DecodeMessage(Codec::kJson, "", request);
  CHECK(empty_json ==
        InvalidArgumentError("empty JSON body: send {} for a message with every field unset"));
  CHECK(DecodeMessage(Codec::kJson, "  \n", request).code() == StatusCode::kInvalidArgument);
  CHECK(DecodeMessage(Codec::kJson, "{}", request).ok());
}

TEST_CASE("malformed input is invalid_argument naming the message type", "[codec]") {
  EchoRequest request;
  const Status bad_proto = DecodeMessage(Codec::kProto, "\xff\xff\xff", request);
  CHECK(bad_proto ==
        InvalidArgumentError("message is not a valid binary market.connecttest.v1.EchoRequest"));

  CHECK(DecodeMessage(Codec::kJson, "{\"echoText\":", request) ==
        InvalidArgumentError("message is not valid JSON for market.connecttest.v1.EchoRequest: "
                             "Unexpected end of string. Expected a value."));
  CHECK(DecodeMessage(Codec::kJson, R"({"repeatCount":"many"})", request) ==
        InvalidArgumentError("message is not valid JSON for market.connecttest.v1.EchoRequest: "
                             "(repeat_count): invalid value \"many\" for type TYPE_INT64"));
  CHECK(DecodeMessage(Codec::kJson, "[1]", request).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("well-known types keep their own JSON forms", "[codec]") {
  google::protobuf::Timestamp epoch;
  std::string out;
  REQUIRE(EncodeMessage(Codec::kJson, epoch, out).ok());
  CHECK(out == R"("1970-01-01T00:00:00Z")");
  google::protobuf::Value value;
  REQUIRE(DecodeMessage(Codec::kJson, "{}", value).ok());
  CHECK(value.has_struct_value());
}

TEST_CASE("binary round trip keeps every field", "[codec]") {
  EchoRequest request;
  request.set_echo_text("bytes \x01\x02");
  request.set_repeat_count(-7);
  std::string wire;
  REQUIRE(EncodeMessage(Codec::kProto, request, wire).ok());
  EchoRequest decoded;
  REQUIRE(DecodeMessage(Codec::kProto, wire, decoded).ok());
  CHECK(decoded.echo_text() == request.echo_text());
  CHECK(decoded.repeat_count() == -7);
}

}  // namespace
}  // namespace market::connect
