// OfferRepository: the SQL of offers and their purchases, run inside the caller's transaction.
//
//   pg::InTransaction(pool, {}, [&](pqxx::work& tx) -> StatusOr<OfferRecord> {
//     return InsertOffer(tx, caller.subject, caller.country, fields);
//   });
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction>

#include "market/listings/v1/listings.pb.h"
#include "offer_validation.hpp"

namespace market::listings {

struct OfferRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string freelancer_id;
  std::string freelancer_country;
  OfferFields fields;
  v1::OfferStatus status = v1::OFFER_STATUS_ACTIVE;
  std::int64_t version = 0;
  std::int64_t created_at_unix_micros = 0;
  std::int64_t updated_at_unix_micros = 0;
};

struct PurchaseRecord {
  std::string id;
  std::string client_id;
  PurchaseRequest request;
  std::string freelancer_id;
  std::string title;
  std::string price_currency;
  std::int64_t price_minor_units = 0;
  int delivery_days = 0;
  int revisions_included = 0;
  std::int64_t bought_at_unix_micros = 0;
};

OfferRecord InsertOffer(pqxx::work& tx, const std::string& freelancer_id,
                        const std::string& freelancer_country, const OfferFields& fields);

// The offer, or nullopt; `for_update` locks its row until the transaction ends.
std::optional<OfferRecord> FindOffer(pqxx::work& tx, const std::string& offer_id,
                                     bool for_update = false);

// Replaces the fields and raises the version; the row must be locked.
OfferRecord UpdateOfferFields(pqxx::work& tx, const std::string& offer_id,
                              const OfferFields& fields);

// Sets the status and raises the version; the row must be locked.
OfferRecord SetOfferStatus(pqxx::work& tx, const std::string& offer_id, v1::OfferStatus status);

// The freelancer's offers with seq below `before_seq` (0: from the newest), newest first.
std::vector<OfferRecord> ListFreelancerOffers(pqxx::work& tx, const std::string& freelancer_id,
                                              std::int64_t before_seq, int limit);

// The currency of the freelancer's profile rate (the payout currency), or nullopt without one.
std::optional<std::string> PayoutCurrency(pqxx::work& tx, const std::string& freelancer_id);

// Records the purchase of `offer` at its current terms under (client, key), unless that pair
// already has one. Returns the new purchase, or nullopt when the pair was taken; then
// FindPurchase returns the one that took it (a concurrent call with the same key waits for the
// first to commit and then finds its row).
std::optional<PurchaseRecord> InsertPurchase(pqxx::work& tx, const std::string& client_id,
                                             const PurchaseRequest& request,
                                             const OfferRecord& offer);

std::optional<PurchaseRecord> FindPurchase(pqxx::work& tx, const std::string& client_id,
                                           const std::string& idempotency_key);

std::string_view OfferStatusName(v1::OfferStatus status);

}  // namespace market::listings
