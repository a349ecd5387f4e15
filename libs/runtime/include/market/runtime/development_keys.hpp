// Development token keys: what a service on loopback signs and verifies with when no keys are
// configured, so that `market-listings` and the gateway started by hand (or by tests) trust
// each other without any setup.
//
// The keys are random, generated once per machine user into a private folder
// ($TMPDIR/market-dev-keys-<uid>, mode 0700): one "users" key and one "service=<name>" key for
// each local service. Every local process of that user reads the same files, so their tokens
// verify everywhere on the machine, and nothing about them is in the source code: a process
// that happens to listen on loopback in production holds no key anybody else can know.
// Concurrent first starts are safe: each key file is created whole (written aside, then linked
// into place) and the first one wins.
//
//   MARKET_ASSIGN_OR_RETURN(TokenKeys keys, DevelopmentTokenKeys("listings", false));
#pragma once

#include <filesystem>
#include <string_view>

#include "market/common/statusor.hpp"
#include "market/runtime/token_keys.hpp"

namespace market::runtime {

// The folder the development keys live in.
std::filesystem::path DevelopmentKeysDir();

// Signing with the users key when `signs_user_tokens`, else with the service=<service_name> key;
// verifying with all of them. failed_precondition when the folder is not this user's alone.
StatusOr<TokenKeys> DevelopmentTokenKeys(std::string_view service_name, bool signs_user_tokens);

}  // namespace market::runtime
