// The reputation service's identity: its name (also its schema and database role suffix), the
// Connect service it serves, and its port in the local stack.
#pragma once

#include "market/runtime/service_config.hpp"

namespace market::reputation {

inline constexpr runtime::ServiceIdentity kIdentity{
    .name = "reputation",
    .full_service_name = "market.reputation.v1.ReputationService",
    .default_port = 8084,
};

}  // namespace market::reputation
