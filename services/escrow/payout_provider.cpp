#include "payout_provider.hpp"

namespace market::escrow {

PayoutResult SandboxPayoutProvider::Send(const std::string& payout_id,
                                         const std::string& /*account_id*/,
                                         const money::Money& /*amount*/,
                                         const std::string& method) {
  const std::lock_guard lock(mutex_);
  ++total_calls_;
  const int call = ++calls_[payout_id];
  if (const auto found = results_.find(payout_id); found != results_.end()) return found->second;
  PayoutResult result;
  if (method == "sandbox-payout-retry" && call == 1) return result;  // unavailable, once
  if (method == "sandbox-payout-ok" || method == "sandbox-payout-retry") {
    result.outcome = PayoutResult::Outcome::kPaid;
    result.reference = "sandbox-payout-" + std::to_string(++paid_);
  } else if (method == "sandbox-payout-fail") {
    result.outcome = PayoutResult::Outcome::kFailed;
    result.reason = "the bank refused the transfer";
  } else {
    result.outcome = PayoutResult::Outcome::kFailed;
    result.reason = "the payout method is not known to the provider";
  }
  results_.emplace(payout_id, result);
  return result;
}

int SandboxPayoutProvider::PaidCount() {
  const std::lock_guard lock(mutex_);
  return paid_;
}

int SandboxPayoutProvider::CallCount() {
  const std::lock_guard lock(mutex_);
  return total_calls_;
}

}  // namespace market::escrow
