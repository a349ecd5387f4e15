// Who a caller is to a contract (DESIGN.md, "Identity and authorisation"; issue item 10): only
// its parties see or move it, and each side only does what that side may.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <pqxx/result>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "market/auth/principal.hpp"
#include "market/common/statusor.hpp"
#include "market/connect/call_context.hpp"
#include "market/escrow/v1/escrow.pb.h"

namespace market::escrow {

enum class Party { kClient, kFreelancer };

// "client", "freelancer": as stored in disputes and cancellation requests.
std::string_view PartyName(Party party);

// The caller, whose token must name an account (a UUID): wallets and contracts are keyed by it.
StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx);

// not_found when `account_id` is neither party, the same answer as for a contract that does not
// exist, so that nobody learns about other people's contracts.
StatusOr<Party> PartyOf(const ContractRecord& contract, const std::string& account_id);

// permission_denied when `party` is not `wanted`: "only the contract's client may fund ...".
Status RequireSide(Party party, Party wanted, std::string_view action);

// invalid_argument unless both ids are UUIDs.
Status ValidateRef(const v1::MilestoneRef& ref);

// The contract locked for update with the caller's side and the milestone named by `ref`;
// not_found when the caller is not a party or the milestone is not the contract's;
// failed_precondition (reason IS_INVOICE) for a weekly invoice, which milestone methods never move.
struct LockedMilestone {
  ContractRecord contract;
  Party party;
  std::size_t index;  // of the milestone in contract.milestones

  MilestoneRecord& milestone() { return contract.milestones[index]; }
};
StatusOr<LockedMilestone> LockMilestoneFor(pqxx::work& tx, const v1::MilestoneRef& ref,
                                           const std::string& account_id);
// The same checks on a contract its caller locked already (none: no such contract).
StatusOr<LockedMilestone> MilestoneFor(std::optional<ContractRecord> contract,
                                       const v1::MilestoneRef& ref, const std::string& account_id);

}  // namespace market::escrow
