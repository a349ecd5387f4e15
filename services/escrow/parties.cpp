#include "parties.hpp"

#include "market/common/ids.hpp"
#include "market/connect/error_details.hpp"

namespace market::escrow {

std::string_view PartyName(Party party) {
  return party == Party::kClient ? "client" : "freelancer";
}

StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx) {
  const auth::Principal& caller = ctx.Caller();
  if (!ids::IsUuid(caller.subject)) {
    return UnauthenticatedError("the token does not name an account");
  }
  return caller;
}

StatusOr<Party> PartyOf(const ContractRecord& contract, const std::string& account_id) {
  if (account_id == contract.client_id) return Party::kClient;
  if (account_id == contract.freelancer_id) return Party::kFreelancer;
  return NotFoundError("contract_id: no such contract of yours");
}

Status RequireSide(Party party, Party wanted, std::string_view action) {
  if (party == wanted) return OkStatus();
  return PermissionDeniedError("only the contract's " + std::string(PartyName(wanted)) + " may " +
                               std::string(action));
}

Status ValidateRef(const v1::MilestoneRef& ref) {
  if (!ids::IsUuid(ref.contract_id())) {
    return InvalidArgumentError("milestone.contract_id: must be a contract id (UUID)");
  }
  if (!ids::IsUuid(ref.milestone_id())) {
    return InvalidArgumentError("milestone.milestone_id: must be a milestone id (UUID)");
  }
  return OkStatus();
}

StatusOr<LockedMilestone> LockMilestoneFor(pqxx::work& tx, const v1::MilestoneRef& ref,
                                           const std::string& account_id) {
  return MilestoneFor(FindContract(tx, ref.contract_id(), Lock::kForUpdate), ref, account_id);
}

StatusOr<LockedMilestone> MilestoneFor(std::optional<ContractRecord> contract,
                                       const v1::MilestoneRef& ref, const std::string& account_id) {
  if (!contract) return NotFoundError("contract_id: no such contract of yours");
  MARKET_ASSIGN_OR_RETURN(const Party party, PartyOf(*contract, account_id));
  const MilestoneRecord* milestone = FindMilestone(*contract, ref.milestone_id());
  if (milestone == nullptr) {
    return NotFoundError("milestone.milestone_id: no such milestone in this contract");
  }
  if (milestone->kind == "invoice") {
    // Invoices are funded and released by the background worker and disputed by the client
    // with DisputeInvoice; no milestone method may move them.
    return FailedPreconditionError(
               "milestone.milestone_id: is a weekly invoice; it is read with GetInvoice and "
               "disputed with DisputeInvoice")
        .WithDetail(connect::ErrorInfo("IS_INVOICE", "escrow.market"));
  }
  const auto index = static_cast<std::size_t>(milestone - contract->milestones.data());
  return LockedMilestone{std::move(*contract), party, index};
}

}  // namespace market::escrow
