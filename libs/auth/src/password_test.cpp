#include "market/auth/password.hpp"

#include <catch2/catch.hpp>

#include "market/common/base64url.hpp"

namespace market::auth {
namespace {

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

// Each hash or verification costs tens of milliseconds by design, so these tests hash little.
TEST_CASE("a password verifies against its hash and nothing else does", "[password]") {
  const std::string first = HashPassword("correct horse battery staple");
  const std::string second = HashPassword("correct horse battery staple");
  const std::string prefix = "scrypt$15$8$1$";
  REQUIRE(first.compare(0, prefix.size(), prefix) == 0);
  const std::string_view salt_and_hash = std::string_view(first).substr(prefix.size());
  const auto dollar = salt_and_hash.find('$');
  REQUIRE(dollar != std::string_view::npos);
  CHECK(Base64UrlDecode(salt_and_hash.substr(0, dollar)).value_or("").size() == 16);
  CHECK(Base64UrlDecode(salt_and_hash.substr(dollar + 1)).value_or("").size() == 32);
  CHECK(first != second);  // a fresh random salt each time
  CHECK(VerifyPassword("correct horse battery staple", first));
  CHECK(VerifyPassword("correct horse battery staple", second));
  CHECK_FALSE(VerifyPassword("correct horse battery stapl", first));
  CHECK_FALSE(VerifyPassword("", first));
  CHECK_FALSE(PasswordNeedsRehash(first));
}

TEST_CASE("verification derives with the costs stored in the hash (RFC 7914 vector)",
          "[password]") {
  // RFC 7914 section 12: scrypt("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, 64).
  const std::string key = FromHex(
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  const std::string encoded =
      "scrypt$14$8$1$" + Base64UrlEncode("SodiumChloride") + "$" + Base64UrlEncode(key);
  CHECK(VerifyPassword("pleaseletmein", encoded));
  CHECK(PasswordNeedsRehash(encoded));
}

TEST_CASE("a malformed or unsupported encoding never verifies", "[password]") {
  const std::string salt = Base64UrlEncode("0123456789abcdef");
  const std::string hash = Base64UrlEncode(std::string(32, 'h'));
  const std::string rows[] = {
      "",
      "password",
      "scrypt",
      "scrypt$15$8$1$" + salt,                          // no hash
      "scrypt$15$8$1$" + salt + "$" + hash + "$extra",  // too many parts
      "bcrypt$15$8$1$" + salt + "$" + hash,             // other scheme
      "SCRYPT$15$8$1$" + salt + "$" + hash,
      "scrypt$x$8$1$" + salt + "$" + hash,  // non-numeric cost
      "scrypt$-15$8$1$" + salt + "$" + hash,
      "scrypt$$8$1$" + salt + "$" + hash,
      "scrypt$0$8$1$" + salt + "$" + hash,     // N = 1
      "scrypt$40$8$1$" + salt + "$" + hash,    // absurd memory
      "scrypt$20$32$16$" + salt + "$" + hash,  // over the memory bound
      "scrypt$15$0$1$" + salt + "$" + hash,
      "scrypt$15$8$0$" + salt + "$" + hash,
      "scrypt$17$1$1$" + salt + "$" + hash,        // N >= 2^(16 r), RFC 7914
      "scrypt$15$8$1$" + salt + "==$" + hash,      // padded base64
      "scrypt$15$8$1$" + salt + "$" + hash + "+",  // bad base64
      "scrypt$15$8$1$$" + hash,                    // empty salt
      "scrypt$15$8$1$" + Base64UrlEncode("short") + "$" + hash,
      "scrypt$15$8$1$" + salt + "$" + Base64UrlEncode("short"),
      "scrypt$15$8$1$" + salt + "$",
  };
  for (const auto& encoded : rows) {
    CAPTURE(encoded);
    CHECK_FALSE(VerifyPassword("anything", encoded));
    CHECK(PasswordNeedsRehash(encoded));
  }
}

}  // namespace
}  // namespace market::auth
