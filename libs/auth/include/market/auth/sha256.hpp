// SHA-256 (FIPS 180-4) through OpenSSL: the digest under which verified tokens are cached and
// refresh tokens are stored, so that neither is kept in the clear.
//
//   const std::string digest = market::auth::Sha256(token);       // 32 raw bytes
//   const std::string column = market::auth::Sha256Hex(token);    // 64 lower-case hex digits
#pragma once

#include <string>
#include <string_view>

namespace market::auth {

std::string Sha256(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);

}  // namespace market::auth
