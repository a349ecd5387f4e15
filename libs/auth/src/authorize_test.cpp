#include "market/auth/authorize.hpp"

#include <catch2/catch.hpp>

namespace market::auth {
namespace {

TEST_CASE("a call without a valid bearer token is unauthenticated", "[auth]") {
  auto keys = std::make_shared<KeySet>();
  REQUIRE(keys->Add("users-1", KeyScope::Users(), Ed25519PrivateKey::Generate().PublicKey()).ok());
  TokenVerifier verifier(keys);
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

}  // namespace
}  // namespace market::auth
