#include "market/auth/authorize.hpp"

#include <catch2/catch.hpp>

namespace market::auth {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-authorize-test";

TEST_CASE("a call without a valid bearer token is unauthenticated", "[auth]") {
  TokenVerifier verifier(kSecret);
  CHECK(Authenticate(verifier, "").status().code() == StatusCode::kUnauthenticated);
  CHECK(Authenticate(verifier, "Bearer not.a.token").status().code() ==
        StatusCode::kUnauthenticated);
  CHECK(Authenticate(verifier, "Basic dXNlcjpwYXNz").status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("a caller needs one of the roles a call names", "[auth]") {
  Principal freelancer{.subject = "a", .roles = {Role::kFreelancer}};
  CHECK(RequireAnyRole(freelancer, {Role::kFreelancer}).ok());
  CHECK(RequireAnyRole(freelancer, {Role::kClient, Role::kFreelancer}).ok());
  const Status denied = RequireAnyRole(freelancer, {Role::kClient, Role::kOperator});
  CHECK(denied.code() == StatusCode::kPermissionDenied);
  CHECK(denied.message() == "this call needs the client or operator role");
}

TEST_CASE("service tokens carry the service role and verify with the shared secret", "[auth]") {
  TokenSigner signer(kSecret);
  TokenVerifier verifier(kSecret);
  ServiceTokens tokens(signer, "bidding", std::chrono::seconds(60));
  const auto now = std::chrono::system_clock::now();
  auto caller = Authenticate(verifier, tokens.AuthorizationHeader(now));
  REQUIRE(caller.ok());
  CHECK(caller->subject == "bidding");
  CHECK(caller->HasRole(Role::kService));
  CHECK_FALSE(caller->HasRole(Role::kOperator));
  CHECK(verifier.VerifyAuthorizationHeader(tokens.AuthorizationHeader(now - std::chrono::hours(1)))
            .status()
            .code() == StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace market::auth
