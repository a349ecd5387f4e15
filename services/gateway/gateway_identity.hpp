// The gateway service's identity: its name (also its schema and database role suffix), the
// Connect service it serves, and its port in the local stack.
#pragma once

#include "market/runtime/service_config.hpp"

namespace market::gateway {

inline constexpr runtime::ServiceIdentity kIdentity{
    .name = "gateway",
    .full_service_name = "market.identity.v1.IdentityService",
    .default_port = 8080,
    .signs_user_tokens = true,
};

}  // namespace market::gateway
