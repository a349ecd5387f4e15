#include "payment_provider.hpp"

namespace market::escrow {

StatusOr<std::string> SandboxPaymentProvider::Charge(const std::string& payer_id,
                                                     const money::Money& /*amount*/,
                                                     const std::string& payment_token,
                                                     const std::string& idempotency_key) {
  {
    const std::lock_guard lock(mutex_);
    ++requests_;
  }
  if (payment_token == "sandbox-decline") {
    return FailedPreconditionError("payment_token: the payment provider declined the charge");
  }
  if (payment_token != "sandbox-ok") {
    return InvalidArgumentError(
        "payment_token: the sandbox provider takes \"sandbox-ok\" or \"sandbox-decline\"");
  }
  const std::lock_guard lock(mutex_);
  auto [it, inserted] = references_.try_emplace(payer_id + "/" + idempotency_key);
  if (inserted) it->second = "sandbox-" + std::to_string(++charges_);
  return it->second;
}

long long SandboxPaymentProvider::ChargeRequests() {
  const std::lock_guard lock(mutex_);
  return requests_;
}

long long SandboxPaymentProvider::Charges() {
  const std::lock_guard lock(mutex_);
  return charges_;
}

}  // namespace market::escrow
