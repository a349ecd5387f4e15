// Payouts (README, "Payouts"): the freelancer's money leaves its wallet for payout clearing in
// the transaction that records the payout (pending), and the provider is asked afterwards, so a
// process killed between the two steps leaves a pending payout that is sent again, never a lost
// or doubled one.
//
//   MARKET_ASSIGN_OR_RETURN(PayoutRecord payout, OpenPayout(tx, account_id, key, amount, method));
//   ... commit ...
//   MARKET_ASSIGN_OR_RETURN(payout, sender.Advance(payout.id));   // paid, failed or pending
//
// Exactly once: the provider is called with the payout's id as its idempotency key, and the
// outcome is recorded under the payout row's lock only while the payout is still pending; a
// failure's reversal transfer is part of that same transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/periodic_task.hpp"
#include "market/common/statusor.hpp"
#include "market/money/money.hpp"
#include "market/pg/pool.hpp"
#include "payout_provider.hpp"

namespace market::escrow {

struct PayoutRecord {
  std::string id;
  std::string account_id;
  std::string currency;
  std::int64_t amount = 0;
  std::string method;
  std::string state;  // pending, paid, failed
  std::string provider_reference;
  std::string failure_reason;
  std::int64_t transfer_id = 0;
  std::optional<std::int64_t> reversal_transfer_id;
  std::int64_t requested_at_micros = 0;
  std::optional<std::int64_t> settled_at_micros;
};

// Records a pending payout and moves its amount from the wallet to payout clearing, with the
// PayoutRequested event. failed_precondition "insufficient funds ..." when the wallet is short.
StatusOr<PayoutRecord> OpenPayout(pqxx::work& tx, const std::string& account_id,
                                  const std::string& idempotency_key, const money::Money& amount,
                                  const std::string& method);

std::optional<PayoutRecord> FindPayout(pqxx::work& tx, const std::string& payout_id);

// Newest first, after the (requested_at, id) cursor when given. `account_id` "" for every
// account; `state` "" for every state.
std::vector<PayoutRecord> ListPayouts(
    pqxx::work& tx, const std::string& account_id, const std::string& state,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit);

// The smallest payout in `currency` (minor units), or nullopt when the currency is not paid out.
std::optional<std::int64_t> PayoutMinimum(pqxx::work& tx, const std::string& currency);

class PayoutSender {
 public:
  // A pending payout is sent again by Step once this long has passed since the last attempt.
  static constexpr std::chrono::seconds kRetryAfter{5};

  // `pool` and `provider` must outlive the sender.
  PayoutSender(pg::Pool& pool, PayoutProvider& provider) : pool_(pool), provider_(provider) {}

  // Sends the payout if it is pending and records the outcome; returns it as stored afterwards
  // (still pending when the provider was unavailable). Safe to call again and concurrently.
  StatusOr<PayoutRecord> Advance(const std::string& payout_id);

  // The recovery path, as a background step: claims one pending payout whose last attempt is
  // older than kRetryAfter (SKIP LOCKED, so several hosts take different ones) and advances it.
  PeriodicTask::Outcome Step();

 private:
  pg::Pool& pool_;
  PayoutProvider& provider_;
};

}  // namespace market::escrow
