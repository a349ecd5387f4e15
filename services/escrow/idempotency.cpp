#include "idempotency.hpp"

#include <memory>
#include <optional>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "market/auth/sha256.hpp"
#include "market/common/base64url.hpp"
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
      const pqxx::row stored = pg::Exec1(tx, kSelectKey, scope.caller, scope.method, scope.key);
      if (stored["request_hash"].as<std::string>() != hash) {
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
    MARKET_RETURN_IF_ERROR(body(tx));
    pg::Exec(tx, kStoreAnswer, scope.caller, scope.method, scope.key,
             Base64UrlEncode(CanonicalBytes(response)));
    return OkStatus();
  });
}

}  // namespace market::escrow
