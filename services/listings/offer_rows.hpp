// How an offer row reads: the columns every statement that returns offers selects (from a
// relation aliased o), and the record they make. Shared by offer_repository.cpp and
// offer_search.cpp.
#pragma once

#include <pqxx/result>

#include "offer_repository.hpp"

// A macro rather than a constant so that it joins the other string literals of a statement at
// compile time.
#define MARKET_OFFER_COLUMNS                                                                \
  "o.id::text AS id, o.seq, o.freelancer_id::text AS freelancer_id, o.freelancer_country, " \
  "o.title, o.description, o.price_minor_units, o.price_currency, o.delivery_days, "        \
  "o.revisions_included, o.skills, o.status, o.version, "                                   \
  "(extract(epoch FROM o.created_at) * 1000000)::bigint AS created_at_micros, "             \
  "(extract(epoch FROM o.updated_at) * 1000000)::bigint AS updated_at_micros "

namespace market::listings {

OfferRecord ReadOffer(const pqxx::row& row);

}  // namespace market::listings
