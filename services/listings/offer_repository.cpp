#include "offer_repository.hpp"

#include "market/pg/arrays.hpp"
#include "offer_rows.hpp"

namespace market::listings {
namespace {

#define MARKET_PURCHASE_COLUMNS                                                              \
  "p.id::text AS id, p.client_id::text AS client_id, p.idempotency_key, "                    \
  "p.offer_id::text AS offer_id, p.expected_price_minor_units, p.expected_price_currency, "  \
  "p.freelancer_id::text AS freelancer_id, p.title, p.price_minor_units, p.price_currency, " \
  "p.delivery_days, p.revisions_included, "                                                  \
  "(extract(epoch FROM p.bought_at) * 1000000)::bigint AS bought_at_micros "

inline constexpr std::string_view kInsertOffer = R"(
  WITH o AS (
    INSERT INTO offers (freelancer_id, freelancer_country, title, description, price_minor_units,
                        price_currency, delivery_days, revisions_included, skills)
    VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9::text[])
    RETURNING *)
  SELECT )" MARKET_OFFER_COLUMNS R"( FROM o)";

inline constexpr std::string_view kSelectOffer =
    "SELECT " MARKET_OFFER_COLUMNS "FROM offers o WHERE o.id = $1::uuid";
inline constexpr std::string_view kSelectOfferForUpdate =
    "SELECT " MARKET_OFFER_COLUMNS "FROM offers o WHERE o.id = $1::uuid FOR UPDATE";

inline constexpr std::string_view kUpdateOffer = R"(
  WITH o AS (
    UPDATE offers SET title = $2, description = $3, price_minor_units = $4, price_currency = $5,
                      delivery_days = $6, revisions_included = $7, skills = $8::text[],
                      version = version + 1, updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_OFFER_COLUMNS R"( FROM o)";

inline constexpr std::string_view kSetOfferStatus = R"(
  WITH o AS (
    UPDATE offers SET status = $2, version = version + 1, updated_at = now()
    WHERE id = $1::uuid
    RETURNING *)
  SELECT )" MARKET_OFFER_COLUMNS R"( FROM o)";

inline constexpr std::string_view kListFreelancerOffers = R"(
  SELECT )" MARKET_OFFER_COLUMNS R"(
  FROM offers o
  WHERE o.freelancer_id = $1::uuid AND ($2::bigint = 0 OR o.seq < $2)
  ORDER BY o.seq DESC
  LIMIT $3)";

inline constexpr std::string_view kSelectPayoutCurrency = R"(
  SELECT hourly_rate_currency FROM profiles WHERE freelancer_id = $1::uuid)";

// ON CONFLICT DO NOTHING on the (client, key) pair: a concurrent twin waits for the first
// insert's transaction and then returns no row.
inline constexpr std::string_view kInsertPurchase = R"(
  WITH p AS (
    INSERT INTO offer_purchases (client_id, idempotency_key, offer_id, expected_price_minor_units,
                                 expected_price_currency, freelancer_id, title, price_minor_units,
                                 price_currency, delivery_days, revisions_included)
    VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6::uuid, $7, $8, $9, $10, $11)
    ON CONFLICT (client_id, idempotency_key) DO NOTHING
    RETURNING *)
  SELECT )" MARKET_PURCHASE_COLUMNS R"( FROM p)";

inline constexpr std::string_view kSelectPurchase =
    "SELECT " MARKET_PURCHASE_COLUMNS
    "FROM offer_purchases p WHERE p.client_id = $1::uuid AND p.idempotency_key = $2";

#undef MARKET_PURCHASE_COLUMNS

PurchaseRecord ReadPurchase(const pqxx::row& row) {
  PurchaseRecord purchase;
  purchase.id = row["id"].as<std::string>();
  purchase.client_id = row["client_id"].as<std::string>();
  purchase.request.idempotency_key = row["idempotency_key"].as<std::string>();
  purchase.request.offer_id = row["offer_id"].as<std::string>();
  purchase.request.expected_price_minor_units =
      row["expected_price_minor_units"].as<std::int64_t>();
  purchase.request.expected_price_currency = row["expected_price_currency"].as<std::string>();
  purchase.freelancer_id = row["freelancer_id"].as<std::string>();
  purchase.title = row["title"].as<std::string>();
  purchase.price_minor_units = row["price_minor_units"].as<std::int64_t>();
  purchase.price_currency = row["price_currency"].as<std::string>();
  purchase.delivery_days = row["delivery_days"].as<int>();
  purchase.revisions_included = row["revisions_included"].as<int>();
  purchase.bought_at_unix_micros = row["bought_at_micros"].as<std::int64_t>();
  return purchase;
}

}  // namespace

std::string_view OfferStatusName(v1::OfferStatus status) {
  return status == v1::OFFER_STATUS_PAUSED ? "paused" : "active";
}

OfferRecord InsertOffer(pqxx::work& tx, const std::string& freelancer_id,
                        const std::string& freelancer_country, const OfferFields& f) {
  return ReadOffer(tx.exec_params1(std::string(kInsertOffer), freelancer_id, freelancer_country,
                                   f.title, f.description, f.price_minor_units, f.price_currency,
                                   f.delivery_days, f.revisions_included,
                                   pg::ToArrayLiteral(f.skills)));
}

std::optional<OfferRecord> FindOffer(pqxx::work& tx, const std::string& offer_id, bool for_update) {
  const pqxx::result rows =
      tx.exec_params(std::string(for_update ? kSelectOfferForUpdate : kSelectOffer), offer_id);
  if (rows.empty()) return std::nullopt;
  return ReadOffer(rows[0]);
}

OfferRecord UpdateOfferFields(pqxx::work& tx, const std::string& offer_id, const OfferFields& f) {
  return ReadOffer(tx.exec_params1(std::string(kUpdateOffer), offer_id, f.title, f.description,
                                   f.price_minor_units, f.price_currency, f.delivery_days,
                                   f.revisions_included, pg::ToArrayLiteral(f.skills)));
}

OfferRecord SetOfferStatus(pqxx::work& tx, const std::string& offer_id, v1::OfferStatus status) {
  return ReadOffer(tx.exec_params1(std::string(kSetOfferStatus), offer_id,
                                   std::string(OfferStatusName(status))));
}

std::vector<OfferRecord> ListFreelancerOffers(pqxx::work& tx, const std::string& freelancer_id,
                                              std::int64_t before_seq, int limit) {
  std::vector<OfferRecord> offers;
  for (const auto& row :
       tx.exec_params(std::string(kListFreelancerOffers), freelancer_id, before_seq, limit)) {
    offers.push_back(ReadOffer(row));
  }
  return offers;
}

std::optional<std::string> PayoutCurrency(pqxx::work& tx, const std::string& freelancer_id) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectPayoutCurrency), freelancer_id);
  if (rows.empty()) return std::nullopt;
  return rows[0]["hourly_rate_currency"].as<std::string>();
}

std::optional<PurchaseRecord> InsertPurchase(pqxx::work& tx, const std::string& client_id,
                                             const PurchaseRequest& request,
                                             const OfferRecord& offer) {
  const OfferFields& f = offer.fields;
  const pqxx::result rows = tx.exec_params(
      std::string(kInsertPurchase), client_id, request.idempotency_key, request.offer_id,
      request.expected_price_minor_units, request.expected_price_currency, offer.freelancer_id,
      f.title, f.price_minor_units, f.price_currency, f.delivery_days, f.revisions_included);
  if (rows.empty()) return std::nullopt;
  return ReadPurchase(rows[0]);
}

std::optional<PurchaseRecord> FindPurchase(pqxx::work& tx, const std::string& client_id,
                                           const std::string& idempotency_key) {
  const pqxx::result rows =
      tx.exec_params(std::string(kSelectPurchase), client_id, idempotency_key);
  if (rows.empty()) return std::nullopt;
  return ReadPurchase(rows[0]);
}

}  // namespace market::listings
