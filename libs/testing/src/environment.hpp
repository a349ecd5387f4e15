// Test settings that CTest passes through the environment (see market_test in
// cmake/MarketHelpers.cmake).
#pragma once

#include <string>

namespace market::testing::internal {

// The variable's value; throws std::runtime_error naming it when unset or empty.
std::string RequireEnv(const char* name);

}  // namespace market::testing::internal
