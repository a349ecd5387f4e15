// Base64url without padding (RFC 4648 section 5), the encoding of JWT segments.
//
//   const std::string segment = market::auth::Base64UrlEncode(R"({"alg":"HS256"})");
//   const auto bytes = market::auth::Base64UrlDecode(segment);   // nullopt when malformed
//
// Decoding is strict: '=' padding, characters outside [A-Za-z0-9_-], an impossible length and
// non-zero unused trailing bits are all rejected, so every byte string has exactly one
// encoding and a signature cannot be re-spelled to slip past a comparison of encoded forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace market::auth {

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace market::auth
