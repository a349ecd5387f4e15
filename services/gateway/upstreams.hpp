// Upstreams: which service answers which Connect package, read from the environment.
//
// The gateway routes by package: /market.listings.v1.ListingsService/GetJob goes to the
// listings service. Each address is MARKET_UPSTREAM_<SERVICE>=host:port, defaulting to the
// local stack's ports.
//
//   auto upstreams = Upstreams::FromEnv(env);
//   if (const Upstream* upstream = upstreams->Find("/market.escrow.v1.EscrowService/Fund")) ...
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "market/common/config.hpp"
#include "market/common/statusor.hpp"
#include "market/http/client.hpp"

namespace market::gateway {

struct Upstream {
  std::string name;            // "listings"
  std::string package_prefix;  // "/market.listings.v1."
  http::Endpoint endpoint;
};

class Upstreams {
 public:
  // invalid_argument naming the variable when an address is not host:port.
  static StatusOr<Upstreams> FromEnv(config::Env& env);
  explicit Upstreams(std::vector<Upstream> upstreams);

  // The upstream serving the procedure at `path`, or nullptr when no service owns it.
  const Upstream* Find(std::string_view path) const;
  const std::vector<Upstream>& all() const { return upstreams_; }

 private:
  std::vector<Upstream> upstreams_;
};

// "127.0.0.1:8081" -> {"127.0.0.1", 8081}; invalid_argument naming `field` otherwise.
StatusOr<http::Endpoint> ParseEndpoint(std::string_view text, std::string_view field);

}  // namespace market::gateway
