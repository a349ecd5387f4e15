// Token keys for tests: a users key and one key per service, generated into a fresh temporary
// folder, with the MARKET_TOKEN_* settings that make a service sign and verify with them.
//
//   const auto& keys = market::testing::SharedTestTokenKeys();
//   EnvOverrides env = keys.EnvFor("listings");      // listings signs with its service key
//   std::string bearer = "Bearer " + keys.Issue({.subject = id, .roles = {Role::kClient}, ...});
//   std::string token = market::testing::IssueTestToken({Role::kFreelancer}, account_id);
//
// Keys are generated per object (Ed25519 keys cost microseconds); the folder is removed with it.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "market/auth/key_set.hpp"
#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"

namespace market::testing {

class TestTokenKeys {
 public:
  // The services whose keys are made, besides the users key ("test-users"). A name "users-<x>"
  // makes another users key ("test-users-<x>"), for rotation tests.
  explicit TestTokenKeys(std::vector<std::string> services = {"gateway", "listings", "bidding",
                                                              "escrow", "reputation"});
  ~TestTokenKeys();
  TestTokenKeys(const TestTokenKeys&) = delete;
  TestTokenKeys& operator=(const TestTokenKeys&) = delete;

  // Whether there is a key for `signer` ("users" or a service's name).
  bool Has(std::string_view signer) const { return keys_.find(signer) != keys_.end(); }
  // MARKET_TOKEN_SIGNING_KEY, _KID and MARKET_TOKEN_VERIFY_KEYS for a process that signs with
  // `signer`: "users" (the gateway) or a service's name.
  std::map<std::string, std::string> EnvFor(std::string_view signer) const;
  // The MARKET_TOKEN_VERIFY_KEYS value: every key, each with its scope.
  const std::string& VerifyKeys() const { return verify_keys_; }
  std::shared_ptr<const auth::KeySet> KeySet() const { return key_set_; }
  // A signer with `signer`'s key ("users" or a service's name).
  std::shared_ptr<const auth::TokenSigner> Signer(std::string_view signer) const;
  // A token for `principal`, signed with the users key.
  std::string Issue(const auth::Principal& principal) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Key {
    std::string kid;
    std::string private_path;
    std::shared_ptr<const auth::TokenSigner> signer;
  };
  const Key& Find(std::string_view signer) const;

  std::filesystem::path dir_;
  std::map<std::string, Key, std::less<>> keys_;
  std::string verify_keys_;
  std::shared_ptr<const auth::KeySet> key_set_;
};

// One set of keys for the whole test process, shared by the services a test starts.
const TestTokenKeys& SharedTestTokenKeys();

// A token of the shared keys' users key for `subject` with `roles`.
std::string IssueTestToken(std::vector<auth::Role> roles, std::string subject,
                           std::string country = "DE",
                           std::chrono::seconds lifetime = std::chrono::hours(1));

}  // namespace market::testing
