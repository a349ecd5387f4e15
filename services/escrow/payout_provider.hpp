// PayoutProvider: where a payout's money goes (a bank transfer, for example). Production plugs
// in a real provider; local stacks and tests use SandboxPayoutProvider, which needs no network.
//
//   SandboxPayoutProvider provider;
//   const PayoutResult result = provider.Send(payout_id, account_id, amount, method);
//
// Payouts are sent after the transaction that moved the money to payout clearing, so Send may
// be called again for the same payout (a retry after a crash, two workers): it carries the
// payout's id as the provider's idempotency key, and the provider pays each id once.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "market/common/statusor.hpp"
#include "market/money/money.hpp"

namespace market::escrow {

struct PayoutResult {
  enum class Outcome {
    kPaid,         // reference names the provider's payment
    kFailed,       // the provider refused it for good: reason says why
    kUnavailable,  // not reached: the same payout is sent again later
  };
  Outcome outcome = Outcome::kUnavailable;
  std::string reference;
  std::string reason;
};

class PayoutProvider {
 public:
  virtual ~PayoutProvider() = default;
  virtual PayoutResult Send(const std::string& payout_id, const std::string& account_id,
                            const money::Money& amount, const std::string& method) = 0;
};

// Method "sandbox-payout-ok" pays, "sandbox-payout-fail" fails, "sandbox-payout-retry" is
// unavailable on the first call for a payout and pays on the next; other methods fail.
// References are "sandbox-payout-<n>", the same for every call with one payout id.
class SandboxPayoutProvider final : public PayoutProvider {
 public:
  PayoutResult Send(const std::string& payout_id, const std::string& account_id,
                    const money::Money& amount, const std::string& method) override;

  // For tests: how many distinct payouts the sandbox paid, and how often it was called.
  int PaidCount();
  int CallCount();

 private:
  std::mutex mutex_;
  std::map<std::string, PayoutResult> results_;  // payout id -> its final result
  std::map<std::string, int> calls_;             // payout id -> calls
  int paid_ = 0;
  int total_calls_ = 0;
};

}  // namespace market::escrow
