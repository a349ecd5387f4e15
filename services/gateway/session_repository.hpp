// SessionRepository: the SQL of the refresh_tokens table, inside the caller's transaction.
// Tokens are looked up by their SHA-256 (hex); the tokens themselves are never stored.
//
//   pg::InTransaction(pool, options, [&](pqxx::work& tx) -> StatusOr<...> {
//     auto token = LockRefreshToken(tx, hash);   // FOR UPDATE: concurrent refreshes queue here
//     if (token && token->spent) RevokeFamily(tx, token->family_id);
//     ...
//   });
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <pqxx/transaction>

namespace market::gateway {

struct RefreshTokenRecord {
  std::string family_id{};
  std::string account_id{};
  bool expired = false;
  bool spent = false;
  bool revoked = false;
};

struct InsertedRefreshToken {
  std::string family_id{};
  std::int64_t expires_at_unix_seconds = 0;
};

// Stores a new token's hash for `account_id`, valid for `lifetime`, in `family_id` ("" starts a
// new family, as a login does).
InsertedRefreshToken InsertRefreshToken(pqxx::work& tx, std::string_view token_hash,
                                        std::string_view account_id, std::string_view family_id,
                                        std::chrono::seconds lifetime);

// The token with this hash, its row locked until the transaction ends, so that of two
// concurrent refreshes of one token the second sees what the first did.
std::optional<RefreshTokenRecord> LockRefreshToken(pqxx::work& tx, std::string_view token_hash);

void MarkRefreshTokenSpent(pqxx::work& tx, std::string_view token_hash);

// Revokes every live token of a family; returns how many.
std::int64_t RevokeFamily(pqxx::work& tx, std::string_view family_id);

// Revokes every live token of an account, whatever its family; returns how many.
std::int64_t RevokeAccountSessions(pqxx::work& tx, std::string_view account_id);

}  // namespace market::gateway
