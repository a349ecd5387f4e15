#include "offer_rows.hpp"

#include "market/pg/arrays.hpp"

namespace market::listings {

OfferRecord ReadOffer(const pqxx::row& row) {
  OfferRecord offer;
  offer.id = row["id"].as<std::string>();
  offer.seq = row["seq"].as<std::int64_t>();
  offer.freelancer_id = row["freelancer_id"].as<std::string>();
  offer.freelancer_country = row["freelancer_country"].as<std::string>();
  OfferFields& f = offer.fields;
  f.title = row["title"].as<std::string>();
  f.description = row["description"].as<std::string>();
  f.price_minor_units = row["price_minor_units"].as<std::int64_t>();
  f.price_currency = row["price_currency"].as<std::string>();
  f.delivery_days = row["delivery_days"].as<int>();
  f.revisions_included = row["revisions_included"].as<int>();
  f.skills = pg::ReadTextArray(row["skills"]);
  offer.status = row["status"].as<std::string>() == "paused" ? v1::OFFER_STATUS_PAUSED
                                                             : v1::OFFER_STATUS_ACTIVE;
  offer.version = row["version"].as<std::int64_t>();
  offer.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  offer.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  return offer;
}

}  // namespace market::listings
