#include "refresh_token.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "market/common/base64url.hpp"

namespace market::gateway {
namespace {

// 256 bits: guessing one is out of reach however many are live.
constexpr std::size_t kRefreshTokenBytes = 32;

}  // namespace

std::string NewRefreshToken() {
  std::string bytes(kRefreshTokenBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) !=
      1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return Base64UrlEncode(bytes);
}

Status CheckRefreshTokenShape(std::string_view token) {
  if (token.empty()) return InvalidArgumentError("refresh_token: must not be empty");
  const auto bytes = Base64UrlDecode(token);
  if (!bytes || bytes->size() != kRefreshTokenBytes) {
    return UnauthenticatedError("refresh_token: is not valid");
  }
  return OkStatus();
}

}  // namespace market::gateway
