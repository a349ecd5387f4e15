// EscrowService: market.escrow.v1.EscrowService, the ledger under contracts.
//
// The generated registration (escrow.connect.h) has already checked the bearer token and the
// caller's role against each method's access option when a handler runs; the handler checks the
// input (invalid_argument naming the field), then ownership: a contract is seen and moved only
// by its parties, and a party only does what its side may (the client funds, approves and asks
// for changes; the freelancer submits). Each call is one transaction; money-moving calls run
// once per idempotency key (idempotency.hpp).
//
//   SandboxPaymentProvider payments;
//   SandboxPayoutProvider payout_provider;
//   PayoutSender payouts(parts.pg, payout_provider);
//   EscrowService service(parts.pg, payments, payouts);   // all must outlive the router
//   market::escrow::v1::Register(router, service);
//
// A call passes: this class (validation, ownership, state) -> settlement.hpp (the money
// operations) -> ledger.hpp (the transfer) and contract_repository.hpp (the rows).
#pragma once

#include "market/connect/call_context.hpp"
#include "market/escrow/v1/escrow.connect.h"
#include "market/escrow/v1/escrow.pb.h"
#include "market/pg/pool.hpp"
#include "movement_batch.hpp"
#include "payment_provider.hpp"
#include "payouts.hpp"
#include "policy_defaults.hpp"

namespace market::escrow {

class EscrowService final : public v1::EscrowServiceBase {
 public:
  // `pool`, `payments` and `payouts` must outlive the service. `defaults` fill the timers a
  // CreateContract request leaves unset.
  // `movement_batches`: how FundMilestone, SubmitMilestone and ApproveMilestone share
  // transactions (movement_batch.hpp).
  EscrowService(pg::Pool& pool, PaymentProvider& payments, PayoutSender& payouts,
                PolicyDefaults defaults = {}, BatchCombinerOptions movement_batches = {});

  Status TopUpWallet(const connect::CallContext& ctx, const v1::TopUpWalletRequest& request,
                     v1::TopUpWalletResponse& response) override;
  Status GetWallet(const connect::CallContext& ctx, const v1::GetWalletRequest& request,
                   v1::GetWalletResponse& response) override;
  Status LoadFxRates(const connect::CallContext& ctx, const v1::LoadFxRatesRequest& request,
                     v1::LoadFxRatesResponse& response) override;
  Status GetFxRates(const connect::CallContext& ctx, const v1::GetFxRatesRequest& request,
                    v1::GetFxRatesResponse& response) override;
  Status CreateContract(const connect::CallContext& ctx, const v1::CreateContractRequest& request,
                        v1::CreateContractResponse& response) override;
  Status GetContract(const connect::CallContext& ctx, const v1::GetContractRequest& request,
                     v1::GetContractResponse& response) override;
  Status ListMyContracts(const connect::CallContext& ctx, const v1::ListMyContractsRequest& request,
                         v1::ListMyContractsResponse& response) override;
  Status PauseContract(const connect::CallContext& ctx, const v1::PauseContractRequest& request,
                       v1::PauseContractResponse& response) override;
  Status ResumeContract(const connect::CallContext& ctx, const v1::ResumeContractRequest& request,
                        v1::ResumeContractResponse& response) override;
  Status EndContract(const connect::CallContext& ctx, const v1::EndContractRequest& request,
                     v1::EndContractResponse& response) override;
  Status LogTime(const connect::CallContext& ctx, const v1::LogTimeRequest& request,
                 v1::LogTimeResponse& response) override;
  Status DeleteTimeEntry(const connect::CallContext& ctx, const v1::DeleteTimeEntryRequest& request,
                         v1::DeleteTimeEntryResponse& response) override;
  Status ListTimeEntries(const connect::CallContext& ctx, const v1::ListTimeEntriesRequest& request,
                         v1::ListTimeEntriesResponse& response) override;
  Status FundMilestone(const connect::CallContext& ctx, const v1::FundMilestoneRequest& request,
                       v1::FundMilestoneResponse& response) override;
  Status SubmitMilestone(const connect::CallContext& ctx, const v1::SubmitMilestoneRequest& request,
                         v1::SubmitMilestoneResponse& response) override;
  Status ApproveMilestone(const connect::CallContext& ctx,
                          const v1::ApproveMilestoneRequest& request,
                          v1::ApproveMilestoneResponse& response) override;
  Status RequestChanges(const connect::CallContext& ctx, const v1::RequestChangesRequest& request,
                        v1::RequestChangesResponse& response) override;
  Status CancelMilestone(const connect::CallContext& ctx, const v1::CancelMilestoneRequest& request,
                         v1::CancelMilestoneResponse& response) override;
  Status OpenDispute(const connect::CallContext& ctx, const v1::OpenDisputeRequest& request,
                     v1::OpenDisputeResponse& response) override;
  Status RespondToDispute(const connect::CallContext& ctx,
                          const v1::RespondToDisputeRequest& request,
                          v1::RespondToDisputeResponse& response) override;
  Status ResolveDispute(const connect::CallContext& ctx, const v1::ResolveDisputeRequest& request,
                        v1::ResolveDisputeResponse& response) override;
  Status ListDisputes(const connect::CallContext& ctx, const v1::ListDisputesRequest& request,
                      v1::ListDisputesResponse& response) override;
  Status GetEscrowSummary(const connect::CallContext& ctx,
                          const v1::GetEscrowSummaryRequest& request,
                          v1::GetEscrowSummaryResponse& response) override;
  Status CheckLedger(const connect::CallContext& ctx, const v1::CheckLedgerRequest& request,
                     v1::CheckLedgerResponse& response) override;
  Status ListInvoices(const connect::CallContext& ctx, const v1::ListInvoicesRequest& request,
                      v1::ListInvoicesResponse& response) override;
  Status GetInvoice(const connect::CallContext& ctx, const v1::GetInvoiceRequest& request,
                    v1::GetInvoiceResponse& response) override;
  Status DisputeInvoice(const connect::CallContext& ctx, const v1::DisputeInvoiceRequest& request,
                        v1::DisputeInvoiceResponse& response) override;
  Status AdvanceContractClock(const connect::CallContext& ctx,
                              const v1::AdvanceContractClockRequest& request,
                              v1::AdvanceContractClockResponse& response) override;
  Status SetTaxProfile(const connect::CallContext& ctx, const v1::SetTaxProfileRequest& request,
                       v1::SetTaxProfileResponse& response) override;
  Status GetTaxProfile(const connect::CallContext& ctx, const v1::GetTaxProfileRequest& request,
                       v1::GetTaxProfileResponse& response) override;
  Status RequestPayout(const connect::CallContext& ctx, const v1::RequestPayoutRequest& request,
                       v1::RequestPayoutResponse& response) override;
  Status ListPayouts(const connect::CallContext& ctx, const v1::ListPayoutsRequest& request,
                     v1::ListPayoutsResponse& response) override;
  Status GetYearlyStatement(const connect::CallContext& ctx,
                            const v1::GetYearlyStatementRequest& request,
                            v1::GetYearlyStatementResponse& response) override;
  Status ExportStatementCsv(const connect::CallContext& ctx,
                            const v1::ExportStatementCsvRequest& request,
                            v1::ExportStatementCsvResponse& response) override;

 private:
  pg::Pool& pool_;
  PaymentProvider& payments_;
  PayoutSender& payouts_;
  const PolicyDefaults defaults_;
  MovementBatcher movements_;
};

}  // namespace market::escrow
