#include "idempotency.hpp"

#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "market/auth/sha256.hpp"
#include "market/common/base64url.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kClaimKey = R"(
  INSERT INTO idempotency_keys (caller, method, key, request_hash)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (caller, method, key) DO NOTHING
  RETURNING 1 AS claimed)";

inline constexpr std::string_view kSelectKey = R"(
  SELECT request_hash, response
  FROM idempotency_keys WHERE caller = $1 AND method = $2 AND key = $3)";

inline constexpr std::string_view kStoreAnswer = R"(
  UPDATE idempotency_keys SET response = $4
  WHERE caller = $1 AND method = $2 AND key = $3)";

inline constexpr std::string_view kClaimKeys = R"(
  INSERT INTO idempotency_keys (caller, method, key, request_hash)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  ON CONFLICT (caller, method, key) DO NOTHING
  RETURNING caller, method, key, request_hash, ctid)";

// The "= ANY" conditions repeat the join's as index conditions on the primary key: the planner
// guesses a hundred rows for an unnest and would rather scan the whole table than probe it.
inline constexpr std::string_view kSelectKeys = R"(
  SELECT k.caller, k.method, k.key, k.request_hash, k.response
  FROM idempotency_keys k
  JOIN unnest($1::text[], $2::text[], $3::text[]) AS u(caller, method, key)
    USING (caller, method, key)
  WHERE k.caller = ANY ($1::text[]) AND k.key = ANY ($3::text[]))";

// By the claimed rows' places (a TID scan): this transaction wrote them and holds them, so
// nothing else can have moved them.
inline constexpr std::string_view kSettleKeys = R"(
  WITH stored AS (
    UPDATE idempotency_keys k SET response = u.response
    FROM unnest($1::tid[], $2::text[]) AS u(row_id, response)
    WHERE k.ctid = u.row_id AND k.ctid = ANY ($1::tid[])),
  freed AS (
    DELETE FROM idempotency_keys WHERE ctid = ANY ($3::tid[]))
  SELECT 1)";

// (caller, method, key) as one string, for matching returned rows to their scopes.
std::string KeyOf(std::string_view caller, std::string_view method, std::string_view key) {
  std::string joined;
  joined.reserve(caller.size() + method.size() + key.size() + 2);
  joined.append(caller).push_back('\0');
  joined.append(method).push_back('\0');
  joined.append(key);
  return joined;
}

bool IsKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

// Deterministic serialisation, so that equal requests always hash alike.
std::string CanonicalBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// The stored answer of a key found taken, into `response`.
Status ReadStored(const pqxx::row& stored, const std::string& request_hash,
                  google::protobuf::Message& response) {
  if (stored["request_hash"].as<std::string>() != request_hash) {
    return AlreadyExistsError(
        "idempotency_key: already used for a different request; choose a new key");
  }
  const std::optional<std::string> bytes =
      stored["response"].is_null() ? std::nullopt
                                   : Base64UrlDecode(stored["response"].as<std::string>());
  if (!bytes || !response.ParseFromString(*bytes)) {
    return InternalError("the stored answer for this idempotency key cannot be read");
  }
  return OkStatus();
}

}  // namespace

StatusOr<IdempotencyScope> ScopeOf(std::string caller, std::string method,
                                   const google::protobuf::Message& request) {
  const auto* field = request.GetDescriptor()->FindFieldByName("idempotency_key");
  if (field == nullptr) return InternalError("this method takes no idempotency key");
  std::string key = request.GetReflection()->GetString(request, field);
  if (key.empty()) return InvalidArgumentError("idempotency_key: is required");
  if (key.size() > kMaxIdempotencyKeyLength) {
    return InvalidArgumentError("idempotency_key: at most 128 characters");
  }
  for (const char c : key) {
    if (!IsKeyCharacter(c)) {
      return InvalidArgumentError("idempotency_key: only A-Z a-z 0-9 and . _ : - are allowed");
    }
  }
  std::unique_ptr<google::protobuf::Message> keyless(request.New());
  keyless->CopyFrom(request);
  keyless->GetReflection()->ClearField(keyless.get(), field);
  return IdempotencyScope{std::move(caller), std::move(method), std::move(key),
                          auth::Sha256Hex(CanonicalBytes(*keyless))};
}

StatusOr<bool> FindStoredAnswer(pg::Pool& pool, const pg::TxOptions& options,
                                const IdempotencyScope& scope,
                                google::protobuf::Message& response) {
  pg::TxOptions read_only = options;
  read_only.read_only = true;
  return pg::InTransaction(pool, read_only, [&](pqxx::work& tx) -> StatusOr<bool> {
    response.Clear();
    const pqxx::result stored = pg::Exec(tx, kSelectKey, scope.caller, scope.method, scope.key);
    if (stored.empty() || stored[0]["response"].is_null()) return false;
    if (stored[0]["request_hash"].as<std::string>() != scope.request_hash) {
      return AlreadyExistsError(
          "idempotency_key: already used for a different request; choose a new key");
    }
    const std::optional<std::string> bytes =
        Base64UrlDecode(stored[0]["response"].as<std::string>());
    if (!bytes || !response.ParseFromString(*bytes)) {
      return InternalError("the stored answer for this idempotency key cannot be read");
    }
    return true;
  });
}

Status RunOnce(pg::Pool& pool, const pg::TxOptions& options, const IdempotencyScope& scope,
               google::protobuf::Message& response,
               const std::function<Status(pqxx::work&)>& body) {
  const std::string& hash = scope.request_hash;
  return pg::InTransaction(pool, options, [&](pqxx::work& tx) -> Status {
    response.Clear();
    const pqxx::result claimed =
        pg::Exec(tx, kClaimKey, scope.caller, scope.method, scope.key, hash);
    if (claimed.empty()) {
      return ReadStored(pg::Exec1(tx, kSelectKey, scope.caller, scope.method, scope.key), hash,
                        response);
    }
    MARKET_RETURN_IF_ERROR(body(tx));
    pg::Exec(tx, kStoreAnswer, scope.caller, scope.method, scope.key,
             Base64UrlEncode(CanonicalBytes(response)));
    return OkStatus();
  });
}

std::vector<KeyClaim> ClaimKeys(pqxx::work& tx,
                                const std::vector<const IdempotencyScope*>& scopes) {
  std::vector<std::string> callers, methods, keys, hashes;
  for (const IdempotencyScope* scope : scopes) {
    callers.push_back(scope->caller);
    methods.push_back(scope->method);
    keys.push_back(scope->key);
    hashes.push_back(scope->request_hash);
  }
  // Matched by request too, and handed out once: should one key come twice with different
  // requests, only the call whose request the new row holds has claimed it; the other then
  // finds the key taken (by a different request: already_exists).
  std::unordered_map<std::string, KeyClaim> claimed;
  for (const auto& row :
       pg::Exec(tx, kClaimKeys, pg::ToArrayLiteral(callers), pg::ToArrayLiteral(methods),
                pg::ToArrayLiteral(keys), pg::ToArrayLiteral(hashes))) {
    claimed.emplace(KeyOf(row["caller"].c_str(), row["method"].c_str(), row["key"].c_str()) + '\0' +
                        row["request_hash"].c_str(),
                    row["ctid"].as<std::string>());
  }
  std::vector<KeyClaim> claims;
  claims.reserve(scopes.size());
  for (const IdempotencyScope* scope : scopes) {
    const auto found =
        claimed.find(KeyOf(scope->caller, scope->method, scope->key) + '\0' + scope->request_hash);
    if (found == claimed.end()) {
      claims.emplace_back();
    } else {
      claims.push_back(std::move(found->second));
      claimed.erase(found);
    }
  }
  return claims;
}

std::vector<Status> ReadStoredAnswers(pqxx::work& tx,
                                      const std::vector<const IdempotencyScope*>& scopes,
                                      const std::vector<google::protobuf::Message*>& responses) {
  std::vector<std::string> callers, methods, keys;
  for (const IdempotencyScope* scope : scopes) {
    callers.push_back(scope->caller);
    methods.push_back(scope->method);
    keys.push_back(scope->key);
  }
  std::unordered_map<std::string, pqxx::row> stored;
  const pqxx::result rows = pg::Exec(tx, kSelectKeys, pg::ToArrayLiteral(callers),
                                     pg::ToArrayLiteral(methods), pg::ToArrayLiteral(keys));
  for (const auto& row : rows) {
    stored.emplace(KeyOf(row["caller"].c_str(), row["method"].c_str(), row["key"].c_str()), row);
  }
  std::vector<Status> answers;
  answers.reserve(scopes.size());
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    responses[i]->Clear();
    const auto found = stored.find(KeyOf(scopes[i]->caller, scopes[i]->method, scopes[i]->key));
    answers.push_back(found == stored.end()
                          ? InternalError("the stored answer for this idempotency key is gone")
                          : ReadStored(found->second, scopes[i]->request_hash, *responses[i]));
  }
  return answers;
}

void SettleKeys(pqxx::work& tx,
                const std::vector<std::pair<KeyClaim, const google::protobuf::Message*>>& answered,
                const std::vector<KeyClaim>& released) {
  if (answered.empty() && released.empty()) return;
  std::vector<std::string> rows, answers;
  for (const auto& [claim, response] : answered) {
    rows.push_back(claim);
    answers.push_back(Base64UrlEncode(CanonicalBytes(*response)));
  }
  pg::Exec(tx, kSettleKeys, pg::ToArrayLiteral(rows), pg::ToArrayLiteral(answers),
           pg::ToArrayLiteral(released));
}

}  // namespace market::escrow
