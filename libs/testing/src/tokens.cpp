#include "market/testing/tokens.hpp"

#include "market/auth/token.hpp"

namespace market::testing {

std::string BearerFor(const auth::Principal& principal) {
  static const auth::TokenSigner signer{std::string(kTestTokenSecret)};
  return "Bearer " + signer.Issue(principal);
}

}  // namespace market::testing
