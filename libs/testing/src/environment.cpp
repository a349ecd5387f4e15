#include "environment.hpp"

#include <cstdlib>
#include <stdexcept>

namespace market::testing::internal {

std::string RequireEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: run integration tests through ctest, which starts "
                             "the test servers (fixture `infra`) and sets it");
  }
  return value;
}

}  // namespace market::testing::internal
