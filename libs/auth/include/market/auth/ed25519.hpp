// Ed25519 keys (RFC 8032) for signing and verifying tokens, through OpenSSL 3.
//
//   auto key = market::auth::Ed25519PrivateKey::FromPemFile("/run/keys/users.pem");
//   if (!key.ok()) return key.status();           // names the file and what is wrong
//   const std::string signature = key->Sign(signing_input);
//   const Ed25519PublicKey public_key = key->PublicKey();
//   bool genuine = public_key.Verify(signing_input, signature);
//
// Keys are PEM files as `openssl genpkey -algorithm ed25519` writes them (PKCS#8 private keys,
// SubjectPublicKeyInfo public keys). A key of any other type is refused when it is loaded, so a
// verifier can never be tricked into another algorithm by the key it holds. Objects are
// immutable after construction and safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "market/common/statusor.hpp"

using EVP_PKEY = struct evp_pkey_st;

namespace market::auth {

class Ed25519PublicKey {
 public:
  // invalid_argument naming what is wrong when the text is not an Ed25519 public key.
  static StatusOr<Ed25519PublicKey> FromPem(std::string_view pem);
  static StatusOr<Ed25519PublicKey> FromPemFile(const std::string& path);

  // Whether `signature` is this key's signature of `message`; malformed input is simply false.
  bool Verify(std::string_view message, std::string_view signature) const;
  std::string Pem() const;
  // The 32 raw key bytes: two keys are the same key when these are equal.
  std::string RawBytes() const;

 private:
  explicit Ed25519PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
  friend class Ed25519PrivateKey;
};

class Ed25519PrivateKey {
 public:
  // A fresh random key. Throws std::runtime_error only when OpenSSL cannot make one.
  static Ed25519PrivateKey Generate();
  // The key RFC 8032 derives from a 32-byte seed: the same seed gives the same key everywhere.
  // Throws std::invalid_argument when the seed is not 32 bytes.
  static Ed25519PrivateKey FromSeed(std::string_view seed);
  static StatusOr<Ed25519PrivateKey> FromPem(std::string_view pem);
  static StatusOr<Ed25519PrivateKey> FromPemFile(const std::string& path);

  // The 64-byte signature of `message`. Throws std::runtime_error only when OpenSSL fails.
  std::string Sign(std::string_view message) const;
  Ed25519PublicKey PublicKey() const;
  // PKCS#8 PEM, for writing key files (tests and development stacks).
  std::string Pem() const;

 private:
  explicit Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace market::auth
