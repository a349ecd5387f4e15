#include "session_repository.hpp"

#include <pqxx/result>

namespace market::gateway {
namespace {

inline constexpr std::string_view kInsertRefreshToken = R"(
  INSERT INTO refresh_tokens (token_hash, family_id, account_id, expires_at)
  VALUES ($1, COALESCE(NULLIF($2, '')::uuid, gen_random_uuid()), $3::uuid,
          now() + make_interval(secs => $4::bigint))
  RETURNING family_id::text AS family_id,
            extract(epoch FROM expires_at)::bigint AS expires_at_seconds)";

inline constexpr std::string_view kLockRefreshToken = R"(
  SELECT family_id::text AS family_id, account_id::text AS account_id,
         expires_at <= now() AS expired, spent_at IS NOT NULL AS spent,
         revoked_at IS NOT NULL AS revoked
  FROM refresh_tokens WHERE token_hash = $1
  FOR UPDATE)";

inline constexpr std::string_view kMarkSpent = R"(
  UPDATE refresh_tokens SET spent_at = now() WHERE token_hash = $1)";

inline constexpr std::string_view kRevokeFamily = R"(
  UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL)";

inline constexpr std::string_view kRevokeAccount = R"(
  UPDATE refresh_tokens SET revoked_at = now() WHERE account_id = $1::uuid AND revoked_at IS NULL)";

}  // namespace

InsertedRefreshToken InsertRefreshToken(pqxx::work& tx, std::string_view token_hash,
                                        std::string_view account_id, std::string_view family_id,
                                        std::chrono::seconds lifetime) {
  const pqxx::row row =
      tx.exec_params1(std::string(kInsertRefreshToken), std::string(token_hash),
                      std::string(family_id), std::string(account_id), lifetime.count());
  return InsertedRefreshToken{
      .family_id = row["family_id"].as<std::string>(),
      .expires_at_unix_seconds = row["expires_at_seconds"].as<std::int64_t>()};
}

std::optional<RefreshTokenRecord> LockRefreshToken(pqxx::work& tx, std::string_view token_hash) {
  const pqxx::result rows = tx.exec_params(std::string(kLockRefreshToken), std::string(token_hash));
  if (rows.empty()) return std::nullopt;
  const pqxx::row& row = rows[0];
  return RefreshTokenRecord{.family_id = row["family_id"].as<std::string>(),
                            .account_id = row["account_id"].as<std::string>(),
                            .expired = row["expired"].as<bool>(),
                            .spent = row["spent"].as<bool>(),
                            .revoked = row["revoked"].as<bool>()};
}

void MarkRefreshTokenSpent(pqxx::work& tx, std::string_view token_hash) {
  tx.exec_params(std::string(kMarkSpent), std::string(token_hash));
}

std::int64_t RevokeFamily(pqxx::work& tx, std::string_view family_id) {
  return tx.exec_params(std::string(kRevokeFamily), std::string(family_id)).affected_rows();
}

std::int64_t RevokeAccountSessions(pqxx::work& tx, std::string_view account_id) {
  return tx.exec_params(std::string(kRevokeAccount), std::string(account_id)).affected_rows();
}

}  // namespace market::gateway
