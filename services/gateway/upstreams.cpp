#include "upstreams.hpp"

#include <charconv>

namespace market::gateway {
namespace {

struct KnownService {
  std::string_view name;
  std::string_view variable;
  std::string_view local_address;
};

// The services behind the gateway and their addresses in the local stack.
constexpr KnownService kServices[] = {
    {"listings", "MARKET_UPSTREAM_LISTINGS", "127.0.0.1:8081"},
    {"bidding", "MARKET_UPSTREAM_BIDDING", "127.0.0.1:8082"},
    {"escrow", "MARKET_UPSTREAM_ESCROW", "127.0.0.1:8083"},
    {"reputation", "MARKET_UPSTREAM_REPUTATION", "127.0.0.1:8084"},
};

}  // namespace

StatusOr<http::Endpoint> ParseEndpoint(std::string_view text, std::string_view field) {
  const auto colon = text.rfind(':');
  const auto bad = [&] {
    return InvalidArgumentError(std::string(field) + ": must be host:port, got \"" +
                                std::string(text) + "\"");
  };
  if (colon == std::string_view::npos || colon == 0) return bad();
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return bad();
  }
  return http::Endpoint{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

StatusOr<Upstreams> Upstreams::FromEnv(config::Env& env) {
  std::vector<Upstream> upstreams;
  for (const auto& service : kServices) {
    const std::string address = env.String(service.variable, service.local_address);
    MARKET_ASSIGN_OR_RETURN(http::Endpoint endpoint, ParseEndpoint(address, service.variable));
    upstreams.push_back(Upstream{std::string(service.name),
                                 "/market." + std::string(service.name) + ".v1.",
                                 std::move(endpoint)});
  }
  return Upstreams(std::move(upstreams));
}

Upstreams::Upstreams(std::vector<Upstream> upstreams) : upstreams_(std::move(upstreams)) {}

const Upstream* Upstreams::Find(std::string_view path) const {
  for (const auto& upstream : upstreams_) {
    if (path.starts_with(upstream.package_prefix)) return &upstream;
  }
  return nullptr;
}

}  // namespace market::gateway
