#include "market/auth/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "market/common/base64url.hpp"

namespace market::auth {
namespace {

constexpr std::string_view kScheme = "scrypt";
// Today's costs: N = 2^15, r = 8, p = 1 (RFC 7914 section 2's interactive-login range).
constexpr std::uint64_t kLogN = 15;
constexpr std::uint64_t kBlockSize = 8;
constexpr std::uint64_t kParallelism = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
// Bounds on what a stored hash may ask for, so a corrupted or hostile row cannot make one
// login allocate gigabytes or run for minutes.
constexpr std::uint64_t kMaxLogN = 20;
constexpr std::uint64_t kMaxBlockSize = 32;
constexpr std::uint64_t kMaxParallelism = 16;
constexpr std::uint64_t kMaxMemoryBytes = 256ull << 20;

struct Encoded {
  std::uint64_t log_n = 0;
  std::uint64_t r = 0;
  std::uint64_t p = 0;
  std::string salt;
  std::string hash;
};

// scrypt needs 128 * r * (N + p) bytes plus a little; OpenSSL refuses to exceed maxmem, whose
// 32 MiB default is just below what N = 2^15, r = 8 takes.
std::uint64_t MemoryNeeded(std::uint64_t log_n, std::uint64_t r, std::uint64_t p) {
  return 128 * r * ((std::uint64_t{1} << log_n) + 2 + p);
}

std::string Derive(std::string_view password, std::string_view salt, std::uint64_t log_n,
                   std::uint64_t r, std::uint64_t p, std::size_t key_bytes) {
  std::string key(key_bytes, '\0');
  const int ok = EVP_PBE_scrypt(password.data(), password.size(),
                                reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                                std::uint64_t{1} << log_n, r, p, MemoryNeeded(log_n, r, p) + 4096,
                                reinterpret_cast<unsigned char*>(key.data()), key.size());
  if (ok != 1) throw std::runtime_error("scrypt key derivation failed");
  return key;
}

std::optional<std::uint64_t> ParseCost(std::string_view text, std::uint64_t min,
                                       std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

std::optional<Encoded> Parse(std::string_view encoded) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = encoded.find('$');
    parts.push_back(encoded.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    encoded.remove_prefix(dollar + 1);
  }
  if (parts.size() != 6 || parts[0] != kScheme) return std::nullopt;
  const auto log_n = ParseCost(parts[1], 1, kMaxLogN);
  const auto r = ParseCost(parts[2], 1, kMaxBlockSize);
  const auto p = ParseCost(parts[3], 1, kMaxParallelism);
  auto salt = Base64UrlDecode(parts[4]);
  auto hash = Base64UrlDecode(parts[5]);
  if (!log_n || !r || !p || !salt || !hash) return std::nullopt;
  if (MemoryNeeded(*log_n, *r, *p) > kMaxMemoryBytes) return std::nullopt;
  // RFC 7914 section 2: N must be less than 2^(128 * r / 8).
  if (*log_n >= 16 * *r) return std::nullopt;
  if (salt->size() < 8 || hash->size() < 16 || hash->size() > 64) return std::nullopt;
  return Encoded{*log_n, *r, *p, std::move(*salt), std::move(*hash)};
}

}  // namespace

std::string HashPassword(std::string_view password) {
  std::array<unsigned char, kSaltBytes> salt_bytes{};
  if (RAND_bytes(salt_bytes.data(), static_cast<int>(salt_bytes.size())) != 1) {
    throw std::runtime_error("no randomness for a password salt");
  }
  const std::string salt(reinterpret_cast<const char*>(salt_bytes.data()), salt_bytes.size());
  const std::string key = Derive(password, salt, kLogN, kBlockSize, kParallelism, kKeyBytes);
  return std::string(kScheme) + "$" + std::to_string(kLogN) + "$" + std::to_string(kBlockSize) +
         "$" + std::to_string(kParallelism) + "$" + Base64UrlEncode(salt) + "$" +
         Base64UrlEncode(key);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  const auto parsed = Parse(encoded);
  if (!parsed) return false;
  const std::string key =
      Derive(password, parsed->salt, parsed->log_n, parsed->r, parsed->p, parsed->hash.size());
  return CRYPTO_memcmp(key.data(), parsed->hash.data(), key.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view encoded) {
  const auto parsed = Parse(encoded);
  return !parsed || parsed->log_n != kLogN || parsed->r != kBlockSize ||
         parsed->p != kParallelism || parsed->salt.size() != kSaltBytes ||
         parsed->hash.size() != kKeyBytes;
}

}  // namespace market::auth
