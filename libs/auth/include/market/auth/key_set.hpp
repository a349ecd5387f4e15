// KeySet: the public keys a verifier trusts, by key id ("kid"), each with the scope of tokens
// it may sign.
//
// A key's scope is what makes a stolen service key useless for anything but that service's own
// calls: the gateway's user key ("users") signs tokens for freelancers, clients and operators;
// a service's key ("service=listings") signs only tokens with the service role whose subject is
// that service. Several keys may share a scope, which is how keys rotate: verifiers first learn
// the new key, then the signer switches to it, and the old key leaves the set once its last
// token has expired.
//
//   MARKET_ASSIGN_OR_RETURN(KeySet keys, ParseVerifyKeys(
//       "users-2026-11:users:/keys/users.pub,listings-1:service=listings:/keys/listings.pub"));
//   const KeySet::Entry* entry = keys.Find(kid);
//   if (entry == nullptr || !entry->scope.Allows(principal)) { /* refuse */ }
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "market/auth/ed25519.hpp"
#include "market/auth/principal.hpp"
#include "market/common/statusor.hpp"

namespace market::auth {

class KeyScope {
 public:
  // The gateway's key for user tokens.
  static KeyScope Users() { return KeyScope(""); }
  // One service's key for its own service tokens.
  static KeyScope Service(std::string name) { return KeyScope(std::move(name)); }
  // "users" or "service=<name>" (name: lower-case letters, digits, '-' and '_').
  static StatusOr<KeyScope> Parse(std::string_view text);

  bool is_users() const { return service_.empty(); }
  const std::string& service() const { return service_; }
  // Whether a token signed with a key of this scope may carry `principal`'s claims: users keys
  // any non-empty set of freelancer, client and operator; service keys exactly the service role
  // with their service as subject.
  bool Allows(const Principal& principal) const;
  // "users" or "service=<name>", as Parse reads it.
  std::string ToString() const;

  friend bool operator==(const KeyScope&, const KeyScope&) = default;

 private:
  explicit KeyScope(std::string service) : service_(std::move(service)) {}
  std::string service_;
};

class KeySet {
 public:
  struct Entry {
    Ed25519PublicKey key;
    KeyScope scope;
  };

  // already_exists when `kid` is taken; invalid_argument for an empty kid or one with
  // characters other than letters, digits, '.', '-' and '_'.
  Status Add(std::string kid, KeyScope scope, Ed25519PublicKey key);
  // nullptr for an unknown kid.
  const Entry* Find(std::string_view kid) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

// Reads `kid:scope:path` entries, comma-separated, loading each public key from its PEM file.
// invalid_argument names the entry and what is wrong with it.
StatusOr<KeySet> ParseVerifyKeys(std::string_view spec);

// The rule key ids follow, shared by the verify set and the signing kid's configuration.
Status ValidateKid(std::string_view kid);

}  // namespace market::auth
