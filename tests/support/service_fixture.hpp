// Gateway tests' helpers: the gateway started in-process, and plain HTTP calls to a port.
// Any other service starts with market::testing::StartService (market/testing/service.hpp).
//
//   auto listings = StartService(listings::kIdentity, migrations::listings(),
//                                std::make_unique<listings::ListingsApp>());
//   auto gateway = StartGateway({{"MARKET_UPSTREAM_LISTINGS", listings.address()}});
//   auto reply = PostJson(gateway.port(), "/market.identity.v1.IdentityService/Login", body);
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "market/http/types.hpp"
#include "market/testing/service.hpp"
#include "market/testing/tokens.hpp"

namespace market::testing {

// The identity service's procedures, as the gateway serves them.
namespace identity_paths {
inline constexpr std::string_view kRegister = "/market.identity.v1.IdentityService/Register";
inline constexpr std::string_view kLogin = "/market.identity.v1.IdentityService/Login";
inline constexpr std::string_view kRefresh = "/market.identity.v1.IdentityService/Refresh";
inline constexpr std::string_view kLogout = "/market.identity.v1.IdentityService/Logout";
inline constexpr std::string_view kMe = "/market.identity.v1.IdentityService/Me";
inline constexpr std::string_view kChangePassword =
    "/market.identity.v1.IdentityService/ChangePassword";
}  // namespace identity_paths

// "<name>.<run>@example.com", <run> random per test process: login throttles and rate limits
// live in Redis, which outlives a run, so an earlier run's failures must not count against it.
std::string UniqueEmail(std::string_view name);

// The gateway with its identity service, rate limits, CORS and proxy, configured by `env`.
StartedService StartGateway(const EnvOverrides& env = {});

// A POST with a JSON body and the given extra headers, answered within five seconds.
http::Response PostJson(std::uint16_t port, std::string_view path, std::string_view body,
                        const std::map<std::string, std::string>& headers = {});

// Any request, answered within five seconds (Host and Content-Length are filled in).
http::Response Send(std::uint16_t port, http::Request request);

}  // namespace market::testing
