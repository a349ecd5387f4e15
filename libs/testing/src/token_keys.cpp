#include "market/testing/token_keys.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

#include "market/auth/ed25519.hpp"

namespace market::testing {
namespace {

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

TestTokenKeys::TestTokenKeys(std::vector<std::string> services) {
  dir_ = std::filesystem::temp_directory_path() /
         ("market-test-keys-" + std::to_string(std::random_device{}()) +
          std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir_);
  auto set = std::make_shared<auth::KeySet>();
  services.insert(services.begin(), "users");
  for (const std::string& name : services) {
    // "users" and "users-<anything>" are users keys (several of them stage a rotation).
    const bool users = name == "users" || name.starts_with("users-");
    const std::string kid = users ? "test-" + name : "test-service-" + name;
    const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
    const std::filesystem::path private_path = dir_ / (name + ".pem");
    const std::filesystem::path public_path = dir_ / (name + ".pub");
    WriteFile(private_path, key.Pem());
    WriteFile(public_path, key.PublicKey().Pem());
    const auth::KeyScope scope = users ? auth::KeyScope::Users() : auth::KeyScope::Service(name);
    if (!set->Add(kid, scope, key.PublicKey()).ok()) {
      throw std::invalid_argument("TestTokenKeys: service " + name + " named twice");
    }
    if (!verify_keys_.empty()) verify_keys_ += ',';
    verify_keys_ += kid + ":" + scope.ToString() + ":" + public_path.string();
    keys_.emplace(name,
                  Key{kid, private_path.string(), std::make_shared<auth::TokenSigner>(kid, key)});
  }
  key_set_ = std::move(set);
}

TestTokenKeys::~TestTokenKeys() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

const TestTokenKeys::Key& TestTokenKeys::Find(std::string_view signer) const {
  const auto found = keys_.find(signer);
  if (found == keys_.end()) {
    throw std::invalid_argument("TestTokenKeys: no key for \"" + std::string(signer) + "\"");
  }
  return found->second;
}

std::map<std::string, std::string> TestTokenKeys::EnvFor(std::string_view signer) const {
  const Key& key = Find(signer);
  return {{"MARKET_TOKEN_SIGNING_KEY", key.private_path},
          {"MARKET_TOKEN_SIGNING_KID", key.kid},
          {"MARKET_TOKEN_VERIFY_KEYS", verify_keys_}};
}

std::shared_ptr<const auth::TokenSigner> TestTokenKeys::Signer(std::string_view signer) const {
  return Find(signer).signer;
}

std::string TestTokenKeys::Issue(const auth::Principal& principal) const {
  return Find("users").signer->Issue(principal);
}

const TestTokenKeys& SharedTestTokenKeys() {
  static const TestTokenKeys keys;
  return keys;
}

std::string IssueTestToken(std::vector<auth::Role> roles, std::string subject, std::string country,
                           std::chrono::seconds lifetime) {
  return SharedTestTokenKeys().Issue(
      auth::Principal{.subject = std::move(subject),
                      .roles = std::move(roles),
                      .country = std::move(country),
                      .expires_at = std::chrono::system_clock::now() + lifetime});
}

}  // namespace market::testing
