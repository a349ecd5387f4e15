// The bidding service's identity: its name (also its schema and database role suffix), the
// Connect service it serves, and its port in the local stack.
#pragma once

#include "market/runtime/service_config.hpp"

namespace market::bidding {

inline constexpr runtime::ServiceIdentity kIdentity{
    .name = "bidding",
    .full_service_name = "market.bidding.v1.BiddingService",
    .default_port = 8082,
};

}  // namespace market::bidding
