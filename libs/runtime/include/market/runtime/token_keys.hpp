// TokenKeys: the keys a service process signs and verifies tokens with, from its environment.
//
//   MARKET_TOKEN_SIGNING_KEY=/run/keys/listings.pem      this process's private key (PEM)
//   MARKET_TOKEN_SIGNING_KID=listings-2026-11            its key id, also in the verify keys
//   MARKET_TOKEN_VERIFY_KEYS=users-2026-11:users:/run/keys/users.pub,
//                            listings-2026-11:service=listings:/run/keys/listings.pub,...
//
// The gateway signs with a "users" key, every other service with its own "service=<name>" key
// (auth/key_set.hpp says what each scope may sign). With none of the three set and a loopback
// listener, the process uses development keys (development_keys.hpp) that the local processes
// of one user share; off loopback it refuses to start. MARKET_TOKEN_SECRET, the shared HMAC
// secret of earlier releases, is refused with a message saying what replaced it.
#pragma once

#include <memory>
#include <string_view>

#include "market/auth/key_set.hpp"
#include "market/auth/token.hpp"
#include "market/common/config.hpp"

namespace market::runtime {

struct TokenKeys {
  std::shared_ptr<const auth::KeySet> verify_keys;
  // Null for a service configured without a signing key: it verifies but calls nobody.
  std::shared_ptr<const auth::TokenSigner> signer;
  // True when the keys are generated development keys rather than configured ones.
  bool development = false;
};

// Reads the three variables. Every mistake is recorded on `env` (Env::Fail) naming its variable,
// so that env.Check() reports it with the rest of the configuration; the result is then empty
// keys and must not be used. `service_name` and `signs_user_tokens` fix the scope this process's
// signing key must have; `loopback` whether development keys are allowed.
TokenKeys LoadTokenKeys(config::Env& env, std::string_view service_name, bool signs_user_tokens,
                        bool loopback);

// Whether `address` only accepts connections from this machine: "localhost", 127.0.0.0/8, ::1.
bool IsLoopbackAddress(std::string_view address);

}  // namespace market::runtime
