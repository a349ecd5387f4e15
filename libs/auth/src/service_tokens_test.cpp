#include "market/auth/service_tokens.hpp"

#include <catch2/catch.hpp>

#include "market/auth/authorize.hpp"

namespace market::auth {
namespace {

using std::chrono::seconds;

struct BiddingKeys {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate();
  std::shared_ptr<KeySet> set = std::make_shared<KeySet>();
  BiddingKeys() {
    REQUIRE(set->Add("bidding-1", KeyScope::Service("bidding"), key.PublicKey()).ok());
  }
};

TEST_CASE("service tokens carry the service role and verify under the service's own key",
          "[auth]") {
  BiddingKeys keys;
  TokenVerifier verifier(keys.set);
  ServiceTokens tokens(std::make_shared<TokenSigner>("bidding-1", keys.key), "bidding",
                       seconds(60));
  const auto now = std::chrono::system_clock::now();
  auto caller = Authenticate(verifier, tokens.AuthorizationHeader(now));
  REQUIRE(caller.ok());
  CHECK(caller->subject == "bidding");
  CHECK(caller->HasRole(Role::kService));
  CHECK_FALSE(caller->HasRole(Role::kOperator));
}

TEST_CASE("a service token is reused while fresh and re-issued before it expires", "[auth]") {
  BiddingKeys keys;
  TokenVerifier verifier(keys.set, {.cache_capacity = 0});
  ServiceTokens tokens(std::make_shared<TokenSigner>("bidding-1", keys.key), "bidding",
                       seconds(60));
  const auto start = std::chrono::system_clock::now();
  const std::string first = tokens.AuthorizationHeader(start);
  CHECK(tokens.AuthorizationHeader(start + seconds(19)) == first);
  // Past a third of its life the token is replaced, so what goes out always has 40 s or more.
  const std::string second = tokens.AuthorizationHeader(start + seconds(20));
  CHECK(second != first);
  CHECK(verifier.VerifyAuthorizationHeader(second, start + seconds(79)).ok());
  CHECK(verifier.VerifyAuthorizationHeader(first, start + seconds(60)).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("a service key under another service's name is refused", "[auth]") {
  BiddingKeys keys;
  TokenVerifier verifier(keys.set);
  ServiceTokens impostor(std::make_shared<TokenSigner>("bidding-1", keys.key), "escrow");
  CHECK(verifier.VerifyAuthorizationHeader(impostor.AuthorizationHeader()).status().code() ==
        StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace market::auth
