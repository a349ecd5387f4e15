// The escrow service's identity: its name (also its schema and database role suffix), the
// Connect service it serves, and its port in the local stack.
#pragma once

#include "market/runtime/service_config.hpp"

namespace market::escrow {

inline constexpr runtime::ServiceIdentity kIdentity{
    .name = "escrow",
    .full_service_name = "market.escrow.v1.EscrowService",
    .default_port = 8083,
};

}  // namespace market::escrow
