// Base64url (RFC 4648 section 5), the encoding of JWT segments, password hash fields and
// Connect GET messages; and standard base64 (section 4), the encoding of Connect error details.
//
//   const std::string segment = market::Base64UrlEncode(R"({"alg":"HS256"})");  // no padding
//   const auto bytes = market::Base64UrlDecode(segment);              // nullopt when malformed
//   const auto message = market::Base64UrlDecode(query, market::Base64Decoding::kLenient);
//
// Canonical decoding, the default, takes exactly what Base64UrlEncode writes: no '=' padding
// and zero unused trailing bits, so every byte string has one encoding and a signature cannot
// be re-spelled to slip past a comparison of encoded forms. Lenient decoding takes what any
// encoder may send, as the Connect protocol asks of servers: '=' padding that completes the
// last group, and unused trailing bits as they come. Both refuse characters outside
// [A-Za-z0-9_-] and impossible lengths.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace market {

enum class Base64Decoding { kCanonical, kLenient };

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text,
                                           Base64Decoding decoding = Base64Decoding::kCanonical);

// The same rules over the standard alphabet ('+' and '/'), also written without padding, as
// connect-go writes an error detail's "value" (connectrpc.com/docs/protocol, "Error"); readers
// must accept padding too, so they decode leniently.
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text,
                                        Base64Decoding decoding = Base64Decoding::kCanonical);

}  // namespace market
