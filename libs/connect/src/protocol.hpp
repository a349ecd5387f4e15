// Parsing of the Connect request metadata that is not the message itself: the timeout header,
// and the GET query string. Internal to the server.
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

}  // namespace market::connect::internal
