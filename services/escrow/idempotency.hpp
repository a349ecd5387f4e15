// Idempotency keys (DESIGN.md, money rule 4): the first successful answer to a money-moving call
// is stored under (caller, method, key) in the transaction that moves the money.
//
//   MARKET_ASSIGN_OR_RETURN(const IdempotencyScope scope,
//                           ScopeOf(caller.subject, "FundMilestone", request));
//   return RunOnce(pool_, tx_options, scope, response, [&](pqxx::work& tx) -> Status {
//     ... move the money, fill `response` ...
//   });
//
// RunOnce first inserts the key. When it is new, the body runs and its answer is stored with it
// before COMMIT. When it exists, the stored answer is returned and the body does not run; a
// concurrent first call holding the key makes this one wait for its COMMIT (the key's unique
// index), so two calls with one key never both move money. When the first call fails, its key
// is rolled back with everything else, and a retry with that key runs afresh.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/pg/pool.hpp"
#include "market/pg/transaction.hpp"

namespace market::escrow {

inline constexpr std::size_t kMaxIdempotencyKeyLength = 128;

struct IdempotencyScope {
  std::string caller;
  std::string method;
  std::string key;
  std::string request_hash;  // SHA-256 (hex) of the request without its key
};

// invalid_argument "idempotency_key: ..." unless 1 to 128 characters of A-Z a-z 0-9 . _ : -.
// `request` must have a string field idempotency_key; it is left out of the hash.
StatusOr<IdempotencyScope> ScopeOf(std::string caller, std::string method,
                                   const google::protobuf::Message& request);

// For a call with an outside side effect before its transaction (a provider charge): true with
// `response` filled when the key already holds a stored answer to the same request, so the side
// effect is skipped; already_exists for a different request; false when the key is new (or its
// first call is still running: RunOnce then waits for it).
StatusOr<bool> FindStoredAnswer(pg::Pool& pool, const pg::TxOptions& options,
                                const IdempotencyScope& scope, google::protobuf::Message& response);

// Runs `body` at most once per scope, as described above; `response` is either the body's
// answer or the stored one. A key reused for a different request is already_exists.
Status RunOnce(pg::Pool& pool, const pg::TxOptions& options, const IdempotencyScope& scope,
               google::protobuf::Message& response, const std::function<Status(pqxx::work&)>& body);

// The same steps for a batch of calls in one transaction (movement_batch.hpp), each one
// statement for the whole batch.
//
// Claims every scope's key (as RunOnce does, a key held by a running transaction waits for its
// COMMIT). Each claim is the new row's place (its ctid), or empty where the key was taken
// already, also by another scope of the same call.
using KeyClaim = std::string;
std::vector<KeyClaim> ClaimKeys(pqxx::work& tx, const std::vector<const IdempotencyScope*>& scopes);

// For keys ClaimKeys found taken: OkStatus with `responses[i]` holding the stored answer, or
// already_exists when the key was used for a different request.
std::vector<Status> ReadStoredAnswers(pqxx::work& tx,
                                      const std::vector<const IdempotencyScope*>& scopes,
                                      const std::vector<google::protobuf::Message*>& responses);

// Stores the answers of the calls that moved money with their claims, and frees the claims of
// the calls that failed, so that a retry runs afresh. Only in the claiming transaction.
void SettleKeys(pqxx::work& tx,
                const std::vector<std::pair<KeyClaim, const google::protobuf::Message*>>& answered,
                const std::vector<KeyClaim>& released);

}  // namespace market::escrow
