// Codec: how a Connect unary message travels, binary protobuf or canonical proto3 JSON.
//
// The Content-Type of a request picks the codec and the reply uses the same one
// (connectrpc.com/docs/protocol, "Unary-Request"):
//
//   auto codec = market::connect::CodecForContentType("application/json; charset=utf-8");
//   grpc::health::v1::HealthCheckRequest request;
//   market::Status status = market::connect::DecodeMessage(*codec, body, request);
//   std::string out;
//   status = market::connect::EncodeMessage(*codec, response, out);
//
// JSON is read with unknown fields ignored and written with lowerCamelCase names, default
// values omitted, int64 as strings and enums as names, as proto3 JSON prescribes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "market/common/status.hpp"

namespace google::protobuf {
class Message;
}

namespace market::connect {

enum class Codec { kProto, kJson };

// "application/proto" or "application/json".
std::string_view ContentTypeFor(Codec codec);
// "proto" or "json", the name used by the GET `encoding` parameter.
std::string_view CodecName(Codec codec);

// The codec of a unary Content-Type: application/proto, or application/json with no parameter
// or charset=utf-8. Case and spacing follow RFC 9110. nullopt for anything else.
std::optional<Codec> CodecForContentType(std::string_view content_type);
// The codec named by the GET `encoding` parameter; nullopt for unknown names.
std::optional<Codec> CodecForName(std::string_view name);

// Replaces `message` with the one in `data`. invalid_argument saying what is wrong when `data` is
// not a valid encoding of the message's type. An empty binary body is the empty message; an empty
// JSON body is rejected, since JSON has no empty encoding ("{}" is the empty message).
Status DecodeMessage(Codec codec, std::string_view data, google::protobuf::Message& message);
// Replaces `out` with the encoding of `message`; internal if it cannot be encoded.
Status EncodeMessage(Codec codec, const google::protobuf::Message& message, std::string& out);

}  // namespace market::connect
