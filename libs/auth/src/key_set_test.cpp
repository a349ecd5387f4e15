#include "market/auth/key_set.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace market::auth {
namespace {

Principal With(std::string subject, std::vector<Role> roles) {
  return Principal{.subject = std::move(subject), .roles = std::move(roles)};
}

TEST_CASE("scopes are read as users or service=<name>", "[key_set]") {
  CHECK(KeyScope::Parse("users").value() == KeyScope::Users());
  CHECK(KeyScope::Parse("service=listings").value() == KeyScope::Service("listings"));
  CHECK(KeyScope::Parse("service=listings")->ToString() == "service=listings");
  for (const char* bad : {"", "Users", "operator", "service=", "service=Listings", "service"}) {
    CAPTURE(bad);
    const auto parsed = KeyScope::Parse(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().starts_with("scope must be \"users\" or \"service=<name>\""));
  }
}

TEST_CASE("a scope allows only the claims its key may sign", "[key_set]") {
  const KeyScope users = KeyScope::Users();
  const KeyScope listings = KeyScope::Service("listings");
  struct Row {
    const KeyScope& scope;
    Principal principal;
    bool allowed;
  };
  const Row rows[] = {
      {users, With("a", {Role::kFreelancer}), true},
      {users, With("a", {Role::kClient, Role::kFreelancer}), true},
      {users, With("a", {Role::kOperator}), true},
      {users, With("a", {}), false},
      {users, With("listings", {Role::kService}), false},
      {users, With("a", {Role::kOperator, Role::kService}), false},
      {listings, With("listings", {Role::kService}), true},
      {listings, With("listings", {Role::kOperator}), false},
      {listings, With("listings", {Role::kService, Role::kOperator}), false},
      {listings, With("escrow", {Role::kService}), false},
      {listings, With("listings", {}), false},
  };
  for (const auto& row : rows) {
    CAPTURE(row.scope.ToString(), row.principal.subject, row.principal.roles.size());
    CHECK(row.scope.Allows(row.principal) == row.allowed);
  }
}

TEST_CASE("verify keys are read from kid:scope:path entries", "[key_set]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("market-key-set-test-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string users = write("users.pub", Ed25519PrivateKey::Generate().PublicKey().Pem());
  const std::string listings =
      write("listings.pub", Ed25519PrivateKey::Generate().PublicKey().Pem());
  const std::string private_pem = write("users.pem", Ed25519PrivateKey::Generate().Pem());

  SECTION("a good list") {
    const auto keys = ParseVerifyKeys("u1:users:" + users + ", l1:service=listings:" + listings);
    REQUIRE(keys.ok());
    CHECK(keys->size() == 2);
    REQUIRE(keys->Find("l1") != nullptr);
    CHECK(keys->Find("l1")->scope == KeyScope::Service("listings"));
    CHECK(keys->Find("nope") == nullptr);
  }
  SECTION("bad entries are named with their rule") {
    struct Row {
      std::string spec;
      std::string message_part;
    };
    const Row rows[] = {
        {"", "entry 1 (\"\"): must be kid:scope:path-to-public-key.pem"},
        {"u1:users", "must be kid:scope:path-to-public-key.pem"},
        {"u1:admins:" + users, "scope must be"},
        {"u1:users:/nonexistent/key.pub", "cannot read key file \"/nonexistent/key.pub\""},
        {"u1:users:" + private_pem, "not an Ed25519 public key"},
        {"u1:users:" + users + ",u1:users:" + users, "entry 2"},
        {"u 1:users:" + users, "may hold only letters, digits"},
        {"u1:users:" + users + ",", "entry 2 (\"\")"},
    };
    for (const auto& row : rows) {
      CAPTURE(row.spec);
      const auto keys = ParseVerifyKeys(row.spec);
      REQUIRE_FALSE(keys.ok());
      CHECK(keys.status().code() == StatusCode::kInvalidArgument);
      CHECK_THAT(keys.status().message(), Catch::Contains(row.message_part));
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace market::auth
