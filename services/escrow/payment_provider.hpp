// PaymentProvider: where a wallet top-up's money comes from. Production plugs in a card or bank
// provider; local stacks and tests use SandboxPaymentProvider, which needs no network.
//
//   SandboxPaymentProvider provider;
//   MARKET_ASSIGN_OR_RETURN(const std::string reference,
//                           provider.Charge(payer_id, amount, token, idempotency_key));
//
// The charge is made before the ledger transaction, and only when the call's idempotency key has
// no stored answer yet (a replayed top-up never reaches the provider). It carries the key, so a
// top-up retried after a crash between charge and commit charges the instrument once: real
// providers deduplicate on that key, and so does the sandbox (within the process).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "market/common/statusor.hpp"
#include "market/money/money.hpp"

namespace market::escrow {

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // The provider's reference for the charge; failed_precondition when the instrument is
  // declined, unavailable when the provider cannot be reached.
  virtual StatusOr<std::string> Charge(const std::string& payer_id, const money::Money& amount,
                                       const std::string& payment_token,
                                       const std::string& idempotency_key) = 0;
};

// Accepts the token "sandbox-ok" and declines "sandbox-decline"; any other token is
// invalid_argument. References are "sandbox-<n>", the same for a repeated idempotency key.
class SandboxPaymentProvider final : public PaymentProvider {
 public:
  StatusOr<std::string> Charge(const std::string& payer_id, const money::Money& amount,
                               const std::string& payment_token,
                               const std::string& idempotency_key) override;

  // For tests, the sandbox's record: every charge request it received (a real provider may
  // bill or hold funds for each one, deduplicated or not), and the distinct charges it made.
  long long ChargeRequests();
  long long Charges();

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> references_;  // payer + key -> reference
  long long charges_ = 0;
  long long requests_ = 0;
};

}  // namespace market::escrow
