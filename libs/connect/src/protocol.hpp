// Parsing of the Connect request metadata that is not the message itself: the timeout header,
// the GET query string, base64 and request ids. Internal to the server.
//
//   auto timeout = ParseTimeout("1500");           // 1500ms
//   auto query = ParseGetQuery("encoding=json&message=%7B%7D&connect=v1");
//   query->encoding == "json", query->message == "{}"
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "market/common/statusor.hpp"

namespace market::connect::internal {

// Connect-Timeout-Ms: a positive integer of at most 10 digits (connectrpc.com/docs/protocol,
// "Timeout"); invalid_argument otherwise.
StatusOr<std::chrono::milliseconds> ParseTimeout(std::string_view value);

// The parameters of a GET request (connectrpc.com/docs/protocol, "Unary-Get-Request"), percent-
// decoded ('+' is a space, as in HTML forms). Unknown parameters are ignored; when one repeats,
// the first wins.
struct GetQuery {
  std::optional<std::string> connect;      // "v1"
  std::optional<std::string> encoding;     // "json" or "proto"
  std::optional<std::string> message;      // the message, base64 encoded when `base64`
  std::optional<std::string> compression;  // "identity" or absent; nothing else is served
  bool base64 = false;                     // base64=1
};
// invalid_argument when a percent escape is malformed.
StatusOr<GetQuery> ParseGetQuery(std::string_view query);

// URL-safe base64 (RFC 4648 section 5) with or without padding; nullopt when malformed.
std::optional<std::string> DecodeBase64Url(std::string_view text);

// Standard base64 (RFC 4648 section 4) without padding, as the "value" of an error detail is
// written (connectrpc.com/docs/protocol, "Error and EndStreamResponse"; connect-go uses
// RawStdEncoding).
std::string EncodeBase64(std::string_view bytes);
// Standard base64 with or without padding, as readers of error details must accept both;
// nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view text);

// A fresh 32-hex-character request id. Unique, not secret: drawn from a per-thread generator
// seeded by the OS, so it costs no system call per request.
std::string NewRequestId();

}  // namespace market::connect::internal
