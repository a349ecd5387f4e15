// The generated registration checks each method's declared access before its handler runs:
// well_formed.proto declares Open as public and ForClients for clients and operators.
#include "well_formed.connect.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "market/auth/token.hpp"
#include "market/connect/server.hpp"
#include "market/http/client.hpp"

namespace market::codegentest::v1 {
namespace {

using namespace std::chrono_literals;

// The gateway's users key and bidding's service key, as a deployment's verifiers know them.
struct Keys {
  auth::Ed25519PrivateKey users = auth::Ed25519PrivateKey::Generate();
  auth::Ed25519PrivateKey bidding = auth::Ed25519PrivateKey::Generate();
  std::shared_ptr<auth::KeySet> set = std::make_shared<auth::KeySet>();
  Keys() {
    REQUIRE(set->Add("users-1", auth::KeyScope::Users(), users.PublicKey()).ok());
    REQUIRE(set->Add("bidding-1", auth::KeyScope::Service("bidding"), bidding.PublicKey()).ok());
  }
};

const Keys& TestKeys() {
  static const Keys keys;
  return keys;
}

class CountingService final : public WellFormedServiceBase {
 public:
  Status Open(const connect::CallContext& ctx, const Ping&, Ping&) override {
    ++calls;
    open_caller = ctx.caller ? ctx.caller->subject : "";
    return OkStatus();
  }
  Status ForClients(const connect::CallContext& ctx, const Ping&, Ping&) override {
    ++calls;
    last_subject = ctx.Caller().subject;
    return OkStatus();
  }

  std::atomic<int> calls{0};
  std::string open_caller;
  std::string last_subject;
};

class Served {
 public:
  Served() : verifier_(TestKeys().set) {
    auto router = std::make_shared<connect::Router>(&verifier_);
    Register(*router, service);
    connect::ServerOptions options;
    options.http.port = 0;
    options.worker_threads = 1;
    server_ = std::make_unique<connect::Server>(options, router);
    REQUIRE(server_->Start().ok());
  }
  ~Served() { server_->Shutdown(); }

  WellFormedServiceClient Client() {
    return WellFormedServiceClient(
        connect::Client(std::make_shared<http::Client>(), {"127.0.0.1", server_->port()}));
  }

  CountingService service;

 private:
  auth::TokenVerifier verifier_;
  std::unique_ptr<connect::Server> server_;
};

// A call with a token for `role`: service tokens from bidding's key, the others from the users
// key, or from `stranger` when given (a key the verifiers do not trust, under a trusted kid).
connect::CallOptions As(std::optional<auth::Role> role,
                        const auth::Ed25519PrivateKey* stranger = nullptr) {
  connect::CallOptions options;
  options.deadline = std::chrono::steady_clock::now() + 5s;
  if (role) {
    const bool service = *role == auth::Role::kService;
    auth::Principal principal;
    principal.subject = service ? "bidding" : "3f1c2b1e-0000-4000-8000-000000000001";
    principal.roles = {*role};
    principal.country = "DE";
    principal.expires_at = std::chrono::system_clock::now() + 1h;
    const auth::TokenSigner signer = stranger != nullptr ? auth::TokenSigner("users-1", *stranger)
                                     : service ? auth::TokenSigner("bidding-1", TestKeys().bidding)
                                               : auth::TokenSigner("users-1", TestKeys().users);
    options.authorization = "Bearer " + signer.Issue(principal);
  }
  return options;
}

TEST_CASE("a method for some roles runs its handler only for a token with one of them",
          "[codegen][access]") {
  Served served;
  auto client = served.Client();

  SECTION("no token: unauthenticated, handler not called") {
    const auto reply = client.ForClients(Ping(), As(std::nullopt));
    CHECK(reply.status().code() == StatusCode::kUnauthenticated);
    CHECK(served.service.calls == 0);
  }
  SECTION("a token signed with another key: unauthenticated, handler not called") {
    const auth::Ed25519PrivateKey stranger = auth::Ed25519PrivateKey::Generate();
    const auto reply = client.ForClients(Ping(), As(auth::Role::kClient, &stranger));
    CHECK(reply.status().code() == StatusCode::kUnauthenticated);
    CHECK(served.service.calls == 0);
  }
  SECTION("the wrong role: permission_denied, handler not called") {
    for (const auto role : {auth::Role::kFreelancer, auth::Role::kService}) {
      const auto reply = client.ForClients(Ping(), As(role));
      CHECK(reply.status().code() == StatusCode::kPermissionDenied);
    }
    CHECK(served.service.calls == 0);
  }
  SECTION("a listed role: the handler runs and sees the verified caller") {
    REQUIRE(client.ForClients(Ping(), As(auth::Role::kClient)).ok());
    REQUIRE(client.ForClients(Ping(), As(auth::Role::kOperator)).ok());
    CHECK(served.service.calls == 2);
    CHECK(served.service.last_subject == "3f1c2b1e-0000-4000-8000-000000000001");
  }
}

TEST_CASE("a public method runs for anyone and names a caller whose token is valid",
          "[codegen][access]") {
  Served served;
  auto client = served.Client();
  REQUIRE(client.Open(Ping(), As(std::nullopt)).ok());
  CHECK(served.service.open_caller.empty());
  REQUIRE(client.Open(Ping(), As(auth::Role::kFreelancer)).ok());
  CHECK(served.service.open_caller == "3f1c2b1e-0000-4000-8000-000000000001");
  CHECK(served.service.calls == 2);
}

TEST_CASE("a router refuses a method that needs roles when it cannot verify tokens",
          "[codegen][access]") {
  CountingService service;
  connect::Router router;  // no verifier
  CHECK_THROWS_AS(Register(router, service), std::logic_error);
}

}  // namespace
}  // namespace market::codegentest::v1
