#include "market/auth/ed25519.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace market::auth {
namespace {

constexpr std::size_t kSeedBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
// A PEM key file is a few hundred bytes; anything far larger is not one.
constexpr std::size_t kMaxPemBytes = 16 * 1024;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string DrainBio(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read key file \"" + path + "\"");
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = std::move(text).str();
  if (pem.size() > kMaxPemBytes) {
    return InvalidArgumentError("key file \"" + path + "\" is too large to be a PEM key");
  }
  return pem;
}

Status NotEd25519(std::string_view what) {
  return InvalidArgumentError("not an Ed25519 " + std::string(what) + " in PEM form");
}

Status InFile(const std::string& path, const Status& status) {
  return InvalidArgumentError("key file \"" + path + "\": " + status.message());
}

// PEM_read_bio_PUBKEY or PEM_read_bio_PrivateKey: the same shape, one for each half.
using PemReader = EVP_PKEY* (*)(BIO*, EVP_PKEY**, pem_password_cb*, void*);

// The Ed25519 key in `pem`; `what` ("public key", "private key") names it in the refusal.
StatusOr<std::shared_ptr<EVP_PKEY>> ReadEd25519(std::string_view pem, PemReader read,
                                                std::string_view what) {
  if (pem.size() > kMaxPemBytes) return NotEd25519(what);
  BioPtr bio = ReadBio(pem);
  if (!bio) throw std::runtime_error("BIO_new_mem_buf failed");
  auto key = Own(read(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return NotEd25519(what);
  return key;
}

// T::FromPem applied to the file at `path`, its refusals naming the file.
template <typename T>
StatusOr<T> ReadPemFile(const std::string& path) {
  MARKET_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path));
  auto key = T::FromPem(pem);
  if (!key.ok()) return InFile(path, key.status());
  return key;
}

}  // namespace

StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPem(std::string_view pem) {
  MARKET_ASSIGN_OR_RETURN(auto key, ReadEd25519(pem, PEM_read_bio_PUBKEY, "public key"));
  return Ed25519PublicKey(std::move(key));
}

StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPemFile(const std::string& path) {
  return ReadPemFile<Ed25519PublicKey>(path);
}

bool Ed25519PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kSignatureBytes) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::runtime_error("EVP_MD_CTX_new failed");
  // Ed25519 hashes internally: the digest must be NULL, and the one-shot call is the only one
  // OpenSSL offers for it.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string Ed25519PublicKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    throw std::runtime_error("writing an Ed25519 public key failed");
  }
  return DrainBio(bio.get());
}

std::string Ed25519PublicKey::RawBytes() const {
  std::string raw(kSeedBytes, '\0');
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                  &length) != 1) {
    throw std::runtime_error("reading an Ed25519 public key failed");
  }
  raw.resize(length);
  return raw;
}

Ed25519PrivateKey Ed25519PrivateKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw std::runtime_error("generating an Ed25519 key failed");
  return Ed25519PrivateKey(Own(key));
}

Ed25519PrivateKey Ed25519PrivateKey::FromSeed(std::string_view seed) {
  if (seed.size() != kSeedBytes) throw std::invalid_argument("an Ed25519 seed has 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (key == nullptr) throw std::runtime_error("deriving an Ed25519 key failed");
  return Ed25519PrivateKey(Own(key));
}

StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  MARKET_ASSIGN_OR_RETURN(auto key, ReadEd25519(pem, PEM_read_bio_PrivateKey, "private key"));
  return Ed25519PrivateKey(std::move(key));
}

StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPemFile(const std::string& path) {
  return ReadPemFile<Ed25519PrivateKey>(path);
}

std::string Ed25519PrivateKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureBytes, '\0');
  std::size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      length != kSignatureBytes) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  return signature;
}

Ed25519PublicKey Ed25519PrivateKey::PublicKey() const {
  std::string raw(kSeedBytes, '\0');
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                  &length) != 1) {
    throw std::runtime_error("reading an Ed25519 public key failed");
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), length);
  if (key == nullptr) throw std::runtime_error("copying an Ed25519 public key failed");
  return Ed25519PublicKey(Own(key));
}

std::string Ed25519PrivateKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("writing an Ed25519 private key failed");
  }
  return DrainBio(bio.get());
}

}  // namespace market::auth
