// EscrowApp: the escrow service as its host runs it (market/runtime/service.hpp): the Connect
// methods, the contract-creating consumers of bidding's and listings' events, the
// auto-approval worker, the weekly-invoice worker and the payout retry worker.
#pragma once

#include <memory>

#include "auto_approver.hpp"
#include "escrow_service.hpp"
#include "invoice_worker.hpp"
#include "market/runtime/service.hpp"
#include "payment_provider.hpp"
#include "payout_provider.hpp"
#include "payouts.hpp"
#include "policy_defaults.hpp"

namespace market::escrow {

class EscrowApp final : public runtime::Service {
 public:
  Status Configure(config::Env& env) override;
  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;

  // The sandbox providers, for tests that check what reached them.
  SandboxPaymentProvider& sandbox_payments() { return payments_; }
  SandboxPayoutProvider& sandbox_payouts() { return payout_provider_; }

 private:
  SandboxPaymentProvider payments_;
  PolicyDefaults defaults_;
  BatchCombinerOptions movement_batches_;
  SandboxPayoutProvider payout_provider_;
  std::unique_ptr<PayoutSender> payouts_;
  std::unique_ptr<EscrowService> service_;
  std::unique_ptr<AutoApprover> approver_;
  std::unique_ptr<InvoiceWorker> invoices_;
};

}  // namespace market::escrow
