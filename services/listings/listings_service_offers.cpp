// The offer methods of ListingsService. A call goes: generated Register() (token, role) → the
// method here (input, then ownership inside the transaction) → offer_repository.cpp (SQL).
// BuyOffer records the purchase and its OfferBought event in one transaction: escrow creates the
// contract from the event, once per purchase_id, so a purchase is never lost nor doubled.
#include <string>

#include "listings_identity.hpp"
#include "listings_service.hpp"
#include "market/common/log.hpp"
#include "market/connect/error_details.hpp"
#include "market/connect/page_token.hpp"
#include "market/events/outbox.hpp"
#include "market/money/country.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "offer_repository.hpp"

namespace market::listings {
namespace {

inline constexpr int kDefaultOfferPageSize = 20;
inline constexpr int kMaxOfferPageSize = 100;
inline constexpr std::string_view kMyOffersList = "offers.mine";

void ToProto(const PurchaseRecord& record, v1::OfferPurchase& purchase) {
  purchase.set_purchase_id(record.id);
  purchase.set_offer_id(record.request.offer_id);
  purchase.set_client_id(record.client_id);
  purchase.set_freelancer_id(record.freelancer_id);
  purchase.set_title(record.title);
  purchase.mutable_price()->set_currency(record.price_currency);
  purchase.mutable_price()->set_minor_units(record.price_minor_units);
  purchase.set_delivery_days(record.delivery_days);
  purchase.set_revisions_included(record.revisions_included);
  *purchase.mutable_bought_at() = pg::TimestampFromUnixMicros(record.bought_at_unix_micros);
}

// The caller's own offer, locked for the change. Offers are public, so another freelancer's is
// permission_denied rather than hidden.
StatusOr<OfferRecord> LockOwnOffer(pqxx::work& tx, const std::string& offer_id,
                                   const auth::Principal& caller) {
  std::optional<OfferRecord> offer = FindOffer(tx, offer_id, /*for_update=*/true);
  if (!offer) return NotFoundError("offer_id: no such offer");
  if (offer->freelancer_id != caller.subject) {
    return PermissionDeniedError("offer_id: only the freelancer selling the offer may change it");
  }
  return std::move(*offer);
}

// A retry of the same purchase returns the first answer; anything else under its key is refused.
StatusOr<PurchaseRecord> Replay(const PurchaseRecord& first, const PurchaseRequest& request) {
  const PurchaseRequest& asked = first.request;
  if (asked.offer_id != request.offer_id ||
      asked.expected_price_currency != request.expected_price_currency ||
      asked.expected_price_minor_units != request.expected_price_minor_units) {
    // already_exists, as escrow answers a reused key: the key is taken, the request is fine.
    return AlreadyExistsError(
        "idempotency_key: already used for a different purchase; choose a new key");
  }
  return first;
}

}  // namespace

void ListingsService::CacheOffer(const OfferRecord& offer) {
  v1::Offer copy;
  ToProto(offer, copy);
  offers_cache_.Put(offer.id, offer.version, copy.SerializeAsString());
}

Status ListingsService::CreateOffer(const connect::CallContext& ctx,
                                    const v1::CreateOfferRequest& request,
                                    v1::CreateOfferResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const OfferFields fields, ValidateOfferFields(request.offer()));
  if (!money::IsCountryCode(caller.country)) {
    return FailedPreconditionError(
        "country: the caller's account has no ISO 3166-1 country; sign in again");
  }
  MARKET_ASSIGN_OR_RETURN(
      const OfferRecord offer,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<OfferRecord> {
                          // The profile's rate currency is the offer's payout currency.
                          if (!PayoutCurrency(tx, caller.subject)) {
                            return FailedPreconditionError(
                                "profile: create your profile with UpsertMyProfile before "
                                "offering services");
                          }
                          return InsertOffer(tx, caller.subject, caller.country, fields);
                        }));
  CacheOffer(offer);
  log::Info("offer created", {{"offer_id", offer.id}, {"freelancer_id", offer.freelancer_id}});
  ToProto(offer, *response.mutable_offer());
  return OkStatus();
}

Status ListingsService::UpdateOffer(const connect::CallContext& ctx,
                                    const v1::UpdateOfferRequest& request,
                                    v1::UpdateOfferResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  violations.Add(ValidateOfferId(request.offer_id()));
  const OfferFields fields = violations.Take(ValidateOfferFields(request.offer()));
  if (request.expected_version() < 0) {
    violations.Add("expected_version", "must not be negative");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      const OfferRecord offer,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<OfferRecord> {
                          MARKET_ASSIGN_OR_RETURN(const OfferRecord current,
                                                  LockOwnOffer(tx, request.offer_id(), caller));
                          if (request.expected_version() != 0 &&
                              request.expected_version() != current.version) {
                            return AbortedError("expected_version: the offer is at version " +
                                                std::to_string(current.version) + ", not " +
                                                std::to_string(request.expected_version()) +
                                                "; read it again and retry");
                          }
                          return UpdateOfferFields(tx, current.id, fields);
                        }));
  CacheOffer(offer);
  log::Info("offer updated", {{"offer_id", offer.id}, {"version", offer.version}});
  ToProto(offer, *response.mutable_offer());
  return OkStatus();
}

namespace {

// Pause and resume: the same shape, towards opposite statuses.
StatusOr<OfferRecord> ChangeOfferStatus(pg::Pool& pool, const connect::CallContext& ctx,
                                        const std::string& offer_id, v1::OfferStatus target) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateOfferId(offer_id));
  return pg::InTransaction(
      pool, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> StatusOr<OfferRecord> {
        MARKET_ASSIGN_OR_RETURN(const OfferRecord current, LockOwnOffer(tx, offer_id, caller));
        if (current.status == target) {
          return FailedPreconditionError("offer_id: the offer is already " +
                                         std::string(OfferStatusName(target)));
        }
        return SetOfferStatus(tx, current.id, target);
      });
}

}  // namespace

Status ListingsService::PauseOffer(const connect::CallContext& ctx,
                                   const v1::PauseOfferRequest& request,
                                   v1::PauseOfferResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const OfferRecord offer, ChangeOfferStatus(pool_, ctx, request.offer_id(),
                                                                     v1::OFFER_STATUS_PAUSED));
  CacheOffer(offer);
  log::Info("offer paused", {{"offer_id", offer.id}});
  ToProto(offer, *response.mutable_offer());
  return OkStatus();
}

Status ListingsService::ResumeOffer(const connect::CallContext& ctx,
                                    const v1::ResumeOfferRequest& request,
                                    v1::ResumeOfferResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const OfferRecord offer, ChangeOfferStatus(pool_, ctx, request.offer_id(),
                                                                     v1::OFFER_STATUS_ACTIVE));
  CacheOffer(offer);
  log::Info("offer resumed", {{"offer_id", offer.id}});
  ToProto(offer, *response.mutable_offer());
  return OkStatus();
}

Status ListingsService::GetOffer(const connect::CallContext& ctx,
                                 const v1::GetOfferRequest& request,
                                 v1::GetOfferResponse& response) {
  MARKET_RETURN_IF_ERROR(ValidateOfferId(request.offer_id()));
  // As GetJob: the cache serves everyone but the seller, who reads its own writes from Postgres.
  if (auto cached = offers_cache_.Get(request.offer_id());
      cached && response.mutable_offer()->ParseFromString(*cached) &&
      response.offer().freelancer_id() != ctx.Caller().subject) {
    return OkStatus();
  }
  response.clear_offer();
  MARKET_ASSIGN_OR_RETURN(
      const std::optional<OfferRecord> offer,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::optional<OfferRecord>> {
                          return FindOffer(tx, request.offer_id());
                        }));
  if (!offer) return NotFoundError("offer_id: no such offer");
  ToProto(*offer, *response.mutable_offer());
  offers_cache_.Put(offer->id, offer->version, response.offer().SerializeAsString());
  return OkStatus();
}

Status ListingsService::ListMyOffers(const connect::CallContext& ctx,
                                     const v1::ListMyOffersRequest& request,
                                     v1::ListMyOffersResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  connect::FieldViolations violations;
  const int page_size = violations.Take(
      connect::CheckPageSize(request.page().page_size(), kDefaultOfferPageSize, kMaxOfferPageSize));
  const std::vector<std::string> keys =
      violations.Take(connect::DecodePageToken(request.page().page_token(), kMyOffersList, 1));
  std::int64_t before_seq = 0;
  if (!keys.empty()) before_seq = violations.Take(connect::PageKeyAsInt(keys[0]));
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(
      std::vector<OfferRecord> offers,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<OfferRecord>> {
                          return ListFreelancerOffers(tx, caller.subject, before_seq,
                                                      page_size + 1);
                        }));
  const bool more = offers.size() > static_cast<std::size_t>(page_size);
  if (more) offers.resize(page_size);
  for (const auto& offer : offers) ToProto(offer, *response.add_offers());
  if (more) {
    response.mutable_page()->set_next_page_token(
        connect::EncodePageToken(kMyOffersList, {std::to_string(offers.back().seq)}));
  }
  return OkStatus();
}

Status ListingsService::BuyOffer(const connect::CallContext& ctx,
                                 const v1::BuyOfferRequest& request,
                                 v1::BuyOfferResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_ASSIGN_OR_RETURN(const PurchaseRequest purchase_request, ValidatePurchase(request));
  if (!money::IsCountryCode(caller.country)) {
    return FailedPreconditionError(
        "country: the caller's account has no ISO 3166-1 country; sign in again");
  }
  bool replayed = false;
  MARKET_ASSIGN_OR_RETURN(
      const PurchaseRecord purchase,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<PurchaseRecord> {
            replayed = false;
            // A retry answers from the first purchase, whatever happened to the offer since.
            if (auto first = FindPurchase(tx, caller.subject, purchase_request.idempotency_key)) {
              replayed = true;
              return Replay(*first, purchase_request);
            }
            // Locked, so that an edit or a pause cannot slip between the checks and the purchase.
            const std::optional<OfferRecord> offer =
                FindOffer(tx, purchase_request.offer_id, /*for_update=*/true);
            if (!offer) return NotFoundError("offer_id: no such offer");
            if (offer->freelancer_id == caller.subject) {
              return FailedPreconditionError("offer_id: you cannot buy your own offer");
            }
            if (offer->status != v1::OFFER_STATUS_ACTIVE) {
              return FailedPreconditionError("offer_id: the offer is paused and not for sale");
            }
            const OfferFields& terms = offer->fields;
            if (terms.price_currency != purchase_request.expected_price_currency ||
                terms.price_minor_units != purchase_request.expected_price_minor_units) {
              return FailedPreconditionError(
                  "expected_price: the offer now costs " + std::to_string(terms.price_minor_units) +
                  " minor units of " + terms.price_currency + "; read it again");
            }
            std::optional<PurchaseRecord> bought =
                InsertPurchase(tx, caller.subject, purchase_request, *offer);
            if (!bought) {
              // A concurrent call with the same key committed first: answer as a retry.
              replayed = true;
              return Replay(*FindPurchase(tx, caller.subject, purchase_request.idempotency_key),
                            purchase_request);
            }
            v1::OfferBought event;
            event.set_purchase_id(bought->id);
            event.set_offer_id(offer->id);
            event.set_title(terms.title);
            event.set_client_id(caller.subject);
            event.set_client_country(caller.country);
            event.set_freelancer_id(offer->freelancer_id);
            event.set_freelancer_country(offer->freelancer_country);
            event.mutable_price()->set_currency(terms.price_currency);
            event.mutable_price()->set_minor_units(terms.price_minor_units);
            event.set_freelancer_payout_currency(
                PayoutCurrency(tx, offer->freelancer_id).value_or(terms.price_currency));
            event.set_delivery_days(terms.delivery_days);
            event.set_revisions_included(terms.revisions_included);
            *event.mutable_bought_at() = pg::TimestampFromUnixMicros(bought->bought_at_unix_micros);
            MARKET_RETURN_IF_ERROR(events::Enqueue(tx, kIdentity.name, bought->id, event));
            return std::move(*bought);
          }));
  log::Info(replayed ? "offer purchase replayed" : "offer bought",
            {{"purchase_id", purchase.id}, {"offer_id", purchase.request.offer_id}});
  ToProto(purchase, *response.mutable_purchase());
  return OkStatus();
}

void ToProto(const OfferRecord& record, v1::Offer& offer) {
  const OfferFields& f = record.fields;
  offer.set_id(record.id);
  offer.set_freelancer_id(record.freelancer_id);
  offer.set_freelancer_country(record.freelancer_country);
  offer.set_title(f.title);
  offer.set_description(f.description);
  offer.mutable_price()->set_currency(f.price_currency);
  offer.mutable_price()->set_minor_units(f.price_minor_units);
  offer.set_delivery_days(f.delivery_days);
  offer.set_revisions_included(f.revisions_included);
  offer.clear_skills();
  for (const auto& skill : f.skills) offer.add_skills(skill);
  offer.set_status(record.status);
  offer.set_version(record.version);
  *offer.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
  *offer.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_unix_micros);
}

}  // namespace market::listings
