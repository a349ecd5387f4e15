#include "market/runtime/token_keys.hpp"

#include <boost/asio/ip/address.hpp>

#include "market/common/log.hpp"
#include "market/runtime/development_keys.hpp"

namespace market::runtime {
namespace {

constexpr std::string_view kSigningKey = "MARKET_TOKEN_SIGNING_KEY";
constexpr std::string_view kSigningKid = "MARKET_TOKEN_SIGNING_KID";
constexpr std::string_view kVerifyKeys = "MARKET_TOKEN_VERIFY_KEYS";

// The scope this process's own key must have: a service key that could sign user tokens, or
// the gateway holding a service key, is a deployment mistake worth refusing at start-up.
auth::KeyScope OwnScope(std::string_view service_name, bool signs_user_tokens) {
  return signs_user_tokens ? auth::KeyScope::Users()
                           : auth::KeyScope::Service(std::string(service_name));
}

// The signer, checked against the verify set: its kid must be there, with the same public key
// and this process's scope, so that its own tokens verify everywhere the set is deployed.
std::shared_ptr<const auth::TokenSigner> LoadSigner(config::Env& env, const auth::KeySet& keys,
                                                    const std::string& path, const std::string& kid,
                                                    const auth::KeyScope& scope) {
  auto key = auth::Ed25519PrivateKey::FromPemFile(path);
  if (!key.ok()) {
    env.Fail(kSigningKey, key.status().message());
    return nullptr;
  }
  if (Status valid = auth::ValidateKid(kid); !valid.ok()) {
    env.Fail(kSigningKid, valid.message());
    return nullptr;
  }
  const auth::KeySet::Entry* entry = keys.Find(kid);
  if (entry == nullptr) {
    env.Fail(kSigningKid, "key id \"" + kid + "\" is not in MARKET_TOKEN_VERIFY_KEYS");
    return nullptr;
  }
  if (entry->key.RawBytes() != key->PublicKey().RawBytes()) {
    env.Fail(kSigningKey,
             "is not the private half of the public key MARKET_TOKEN_VERIFY_KEYS "
             "lists for \"" +
                 kid + "\"");
    return nullptr;
  }
  if (!(entry->scope == scope)) {
    env.Fail(kSigningKid, "key \"" + kid + "\" has scope " + entry->scope.ToString() +
                              ", but this process signs with a " + scope.ToString() + " key");
    return nullptr;
  }
  return std::make_shared<auth::TokenSigner>(kid, *std::move(key));
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  return !ec && parsed.is_loopback();
}

TokenKeys LoadTokenKeys(config::Env& env, std::string_view service_name, bool signs_user_tokens,
                        bool loopback) {
  env.Retired("MARKET_TOKEN_SECRET",
              "tokens are signed with Ed25519 keys now: set MARKET_TOKEN_SIGNING_KEY, "
              "MARKET_TOKEN_SIGNING_KID and MARKET_TOKEN_VERIFY_KEYS (see the README)");
  const std::string path = env.String(kSigningKey, "");
  const std::string kid = env.String(kSigningKid, "");
  const std::string verify = env.String(kVerifyKeys, "");
  const auth::KeyScope scope = OwnScope(service_name, signs_user_tokens);

  if (path.empty() && kid.empty() && verify.empty()) {
    if (!loopback) {
      env.Fail(kVerifyKeys,
               "must be set (with MARKET_TOKEN_SIGNING_KEY and MARKET_TOKEN_SIGNING_KID) when "
               "MARKET_HTTP_ADDRESS is not loopback; development keys serve loopback only");
      return {};
    }
    auto development = DevelopmentTokenKeys(service_name, signs_user_tokens);
    if (!development.ok()) {
      env.Fail(kVerifyKeys, "is unset and the development keys cannot be used: " +
                                development.status().message());
      return {};
    }
    log::Warn(
        "using development token keys; configure MARKET_TOKEN_VERIFY_KEYS before serving "
        "anyone but this machine",
        {{"folder", DevelopmentKeysDir().string()}});
    return *std::move(development);
  }

  TokenKeys keys;
  if (verify.empty()) {
    env.Fail(kVerifyKeys, "must be set when a signing key is (kid:scope:path entries)");
    return {};
  }
  auto parsed = auth::ParseVerifyKeys(verify);
  if (!parsed.ok()) {
    env.Fail(kVerifyKeys, parsed.status().message());
    return {};
  }
  keys.verify_keys = std::make_shared<const auth::KeySet>(*std::move(parsed));
  if (path.empty() != kid.empty()) {
    env.Fail(path.empty() ? kSigningKey : kSigningKid,
             "must be set together with " + std::string(path.empty() ? kSigningKid : kSigningKey));
    return {};
  }
  if (path.empty()) {
    // The gateway exists to sign user tokens; a service may verify without ever calling out.
    if (signs_user_tokens) {
      env.Fail(kSigningKey, "must be set: the gateway signs user tokens with the users key");
      return {};
    }
    return keys;
  }
  keys.signer = LoadSigner(env, *keys.verify_keys, path, kid, scope);
  if (!keys.signer) return {};
  return keys;
}

}  // namespace market::runtime
