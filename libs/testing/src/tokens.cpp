#include "market/testing/tokens.hpp"

#include "market/testing/token_keys.hpp"

namespace market::testing {

std::string BearerFor(const auth::Principal& principal) {
  return "Bearer " + SharedTestTokenKeys().Issue(principal);
}

}  // namespace market::testing
