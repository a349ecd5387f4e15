#include "market/connect/router.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/descriptor.h>

#include "echo_test.pb.h"
#include "grpc/health/v1/health.pb.h"

namespace market::connect {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using market::connecttest::v1::EchoRequest;
using market::connecttest::v1::EchoResponse;

Status Healthy(const CallContext&, const HealthCheckRequest&, HealthCheckResponse& response) {
  response.set_status(HealthCheckResponse::SERVING);
  return OkStatus();
}

Status Echo(const CallContext&, const EchoRequest& request, EchoResponse& response) {
  response.set_echo_text(request.echo_text());
  return OkStatus();
}

TEST_CASE("a registered method is found by its Connect path", "[router]") {
  Router router;
  router.Add<HealthCheckRequest, HealthCheckResponse>("grpc.health.v1.Health", "Check",
                                                      market::connect::Access::Public(), Healthy);
  router.Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Echo",
                                        market::connect::Access::Public(), Echo);
  CHECK(router.size() == 2);

  const RegisteredMethod* check = router.Find("/grpc.health.v1.Health/Check");
  REQUIRE(check != nullptr);
  CHECK(check->procedure == "/grpc.health.v1.Health/Check");
  CHECK(check->descriptor->full_name() == "grpc.health.v1.Health.Check");

  CHECK(router.Find("/grpc.health.v1.Health/check") == nullptr);  // paths are case-sensitive
  CHECK(router.Find("grpc.health.v1.Health/Check") == nullptr);
  CHECK(router.Find("/grpc.health.v1.Health/Check/") == nullptr);
}

TEST_CASE("GET is allowed exactly for NO_SIDE_EFFECTS methods", "[router]") {
  Router router;
  router.Add<HealthCheckRequest, HealthCheckResponse>("grpc.health.v1.Health", "Check",
                                                      market::connect::Access::Public(), Healthy);
  router.Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Echo",
                                        market::connect::Access::Public(), Echo);
  router.Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Lookup",
                                        market::connect::Access::Public(), Echo);
  CHECK(router.Find("/grpc.health.v1.Health/Check")->get_allowed);
  CHECK(router.Find("/grpc.health.v1.Health/Check")->allow == "GET, POST");
  CHECK_FALSE(router.Find("/market.connecttest.v1.EchoService/Echo")->get_allowed);
  CHECK(router.Find("/market.connecttest.v1.EchoService/Echo")->allow == "POST");
  CHECK(router.Find("/market.connecttest.v1.EchoService/Lookup")->get_allowed);
}

TEST_CASE("wiring a method the schema does not have fails at start-up", "[router]") {
  Router router;
  CHECK_THROWS_WITH(
      (router.Add<HealthCheckRequest, HealthCheckResponse>(
          "grpc.health.v1.Wealth", "Check", market::connect::Access::Public(), Healthy)),
      "no service grpc.health.v1.Wealth in the schema");
  CHECK_THROWS_WITH(
      (router.Add<HealthCheckRequest, HealthCheckResponse>(
          "grpc.health.v1.Health", "Watch", market::connect::Access::Public(), Healthy)),
      "no method grpc.health.v1.Health/Watch in the schema");
  CHECK_THROWS_WITH(
      (router.Add<EchoRequest, HealthCheckResponse>(
          "grpc.health.v1.Health", "Check", market::connect::Access::Public(),
          [](const CallContext&, const EchoRequest&, HealthCheckResponse&) { return OkStatus(); })),
      "grpc.health.v1.Health/Check takes grpc.health.v1.HealthCheckRequest, not "
      "market.connecttest.v1.EchoRequest");
  CHECK_THROWS_WITH(
      (router.Add<HealthCheckRequest, EchoResponse>(
          "grpc.health.v1.Health", "Check", market::connect::Access::Public(),
          [](const CallContext&, const HealthCheckRequest&, EchoResponse&) { return OkStatus(); })),
      "grpc.health.v1.Health/Check returns grpc.health.v1.HealthCheckResponse, not "
      "market.connecttest.v1.EchoResponse");
  CHECK(router.size() == 0);
}

TEST_CASE("a method registered twice is a wiring bug", "[router]") {
  Router router;
  router.Add<HealthCheckRequest, HealthCheckResponse>("grpc.health.v1.Health", "Check",
                                                      market::connect::Access::Public(), Healthy);
  CHECK_THROWS_WITH(
      (router.Add<HealthCheckRequest, HealthCheckResponse>(
          "grpc.health.v1.Health", "Check", market::connect::Access::Public(), Healthy)),
      "/grpc.health.v1.Health/Check is registered twice");
}

TEST_CASE("a declared method without a handler is told apart from an unknown path", "[router]") {
  Router router;
  router.Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Echo",
                                        market::connect::Access::Public(), Echo);
  CHECK(router.IsDeclaredButUnimplemented("/market.connecttest.v1.EchoService/Forget"));
  CHECK_FALSE(router.IsDeclaredButUnimplemented("/market.connecttest.v1.EchoService/Nothing"));
  // A service the router does not serve at all is unknown, even if the schema has it.
  CHECK_FALSE(router.IsDeclaredButUnimplemented("/grpc.health.v1.Health/Check"));
  CHECK_FALSE(router.IsDeclaredButUnimplemented("/"));
  CHECK_FALSE(router.IsDeclaredButUnimplemented("/market.connecttest.v1.EchoService"));
}

TEST_CASE("the invoker decodes, runs the handler and encodes in the call's codec", "[router]") {
  Router router;
  router.Add<EchoRequest, EchoResponse>("market.connecttest.v1.EchoService", "Echo",
                                        market::connect::Access::Public(), Echo);
  const auto& invoker = *router.Find("/market.connecttest.v1.EchoService/Echo")->invoker;
  std::string out;
  REQUIRE(invoker.Invoke(CallContext{}, Codec::kJson, R"({"echoText":"hi"})", out).ok());
  CHECK(out == R"({"echoText":"hi"})");
  CHECK(invoker.Invoke(CallContext{}, Codec::kJson, "{", out).code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace market::connect
