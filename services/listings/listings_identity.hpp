// The listings service's identity: its name (also its schema and database role suffix), the
// Connect service it serves, and its port in the local stack.
#pragma once

#include "market/runtime/service_config.hpp"

namespace market::listings {

inline constexpr runtime::ServiceIdentity kIdentity{
    .name = "listings",
    .full_service_name = "market.listings.v1.ListingsService",
    .default_port = 8081,
};

}  // namespace market::listings
