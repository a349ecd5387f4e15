#include "contract_events.hpp"

#include <optional>
#include <string>

#include "contract_repository.hpp"
#include "market/common/log.hpp"
#include "market/escrow/v1/escrow.pb.h"
#include "score_repository.hpp"

namespace market::reputation {
namespace {

namespace escrow = market::escrow::v1;

template <typename Event>
std::optional<Event> Unpack(const market::events::v1::EventEnvelope& envelope) {
  if (envelope.type() != Event::descriptor()->full_name()) return std::nullopt;
  Event event;
  if (!envelope.payload().UnpackTo(&event)) return std::nullopt;
  return event;
}

Status Created(pqxx::work& tx, const escrow::Contract& contract) {
  std::int64_t value = 0;
  for (const auto& milestone : contract.milestones()) value += milestone.amount().minor_units();
  const std::int64_t window = contract.policy().review_window_seconds() > 0
                                  ? contract.policy().review_window_seconds()
                                  : kDefaultReviewWindowSeconds;
  InsertContract(tx, {.id = contract.id(),
                      .client_id = contract.client_id(),
                      .freelancer_id = contract.freelancer_id(),
                      .currency = contract.currency(),
                      .value_minor = value,
                      .review_window_seconds = window});
  return OkStatus();
}

// Applies `change` to the contract and marks its parties' scores due.
Status Changed(pqxx::work& tx, const std::string& contract_id, const ContractChange& change) {
  const std::optional<ContractParties> parties = ApplyContractChange(tx, contract_id, change);
  if (!parties) {
    return FailedPreconditionError("contract_id: contract " + contract_id +
                                   " is not known yet (ContractCreated not applied)");
  }
  MarkScoresDue(tx, {parties->client_id, parties->freelancer_id});
  return OkStatus();
}

Status Resolved(pqxx::work& tx, const escrow::Dispute& dispute) {
  // The side that received less than half of the held amount lost; an even split loses nobody.
  // The money itself arrives as MilestoneReleased and MilestoneRefunded.
  const std::int64_t to_freelancer = dispute.to_freelancer().minor_units();
  const std::int64_t to_client = dispute.to_client().minor_units();
  ContractChange change;
  if (to_freelancer < to_client) change.freelancer_disputes_lost = 1;
  if (to_client < to_freelancer) change.client_disputes_lost = 1;
  return Changed(tx, dispute.contract_id(), change);
}

}  // namespace

Status ApplyEscrowEvent(pqxx::work& tx, const market::events::v1::EventEnvelope& event) {
  if (auto created = Unpack<escrow::ContractCreated>(event)) {
    return Created(tx, created->contract());
  }
  if (auto funded = Unpack<escrow::MilestoneFunded>(event)) {
    return Changed(tx, funded->contract_id(), {.funded_minor = funded->amount().minor_units()});
  }
  if (auto released = Unpack<escrow::MilestoneReleased>(event)) {
    return Changed(tx, released->contract_id(),
                   {.released_minor = released->release().gross().minor_units()});
  }
  if (auto refunded = Unpack<escrow::MilestoneRefunded>(event)) {
    return Changed(tx, refunded->contract_id(),
                   {.refunded_minor = refunded->amount().minor_units()});
  }
  if (auto resolved = Unpack<escrow::DisputeResolved>(event)) {
    return Resolved(tx, resolved->dispute());
  }
  if (auto completed = Unpack<escrow::ContractCompleted>(event)) {
    std::optional<std::int64_t> ended_at;
    if (event.has_occurred_at() && event.occurred_at().seconds() > 0) {
      ended_at = event.occurred_at().seconds() * 1'000'000 + event.occurred_at().nanos() / 1000;
    }
    const Status ended = EndContract(tx, completed->contract_id(), completed->released(),
                                     completed->refunded(), ended_at);
    if (!ended.ok()) return ended;
    MarkScoresDue(tx, {completed->client_id(), completed->freelancer_id()});
    log::Info("contract ended", {{"contract_id", completed->contract_id()}});
    return OkStatus();
  }
  if (auto rates = Unpack<escrow::FxRatesUpdated>(event)) {
    for (const escrow::FxRate& rate : rates->rates()) {
      if (rate.quote_currency() != "USD") continue;
      UpsertUsdRate(tx, rate.base_currency(), rate.rate(),
                    rate.quoted_at().seconds() * 1'000'000 + rate.quoted_at().nanos() / 1000);
    }
    return OkStatus();
  }
  return OkStatus();
}

}  // namespace market::reputation
