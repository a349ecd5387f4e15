#include "contract_events.hpp"

#include "contract_terms.hpp"
#include "market/common/log.hpp"

namespace market::escrow {
namespace {

Status Create(pqxx::work& tx, const v1::CreateContractRequest& request,
              const PolicyDefaults& defaults) {
  MARKET_ASSIGN_OR_RETURN(NewContract terms, ValidateContract(request, defaults));
  MARKET_ASSIGN_OR_RETURN(auto created, CreateContract(tx, std::move(terms)));
  if (created.second) {
    log::Info("contract created from event",
              {{"contract_id", created.first.id}, {"source_id", created.first.source_id}});
  }
  return OkStatus();
}

}  // namespace

Status ApplyContractEvent(pqxx::work& tx, const market::events::v1::EventEnvelope& event,
                          const PolicyDefaults& defaults) {
  if (event.type() == market::bidding::v1::BidAccepted::descriptor()->full_name()) {
    market::bidding::v1::BidAccepted accepted;
    if (!event.payload().UnpackTo(&accepted)) {
      return InvalidArgumentError("payload: not a readable BidAccepted");
    }
    return Create(tx, FromBidAccepted(accepted), defaults);
  }
  if (event.type() == market::listings::v1::OfferBought::descriptor()->full_name()) {
    market::listings::v1::OfferBought bought;
    if (!event.payload().UnpackTo(&bought)) {
      return InvalidArgumentError("payload: not a readable OfferBought");
    }
    return Create(tx, FromOfferBought(bought), defaults);
  }
  return OkStatus();
}

}  // namespace market::escrow
