#include "catalog_search.hpp"

#include "market/pg/arrays.hpp"
#include "offer_rows.hpp"

namespace market::listings {
namespace {

// As kSearchJobs (job_search.cpp): one statement for every filter combination, exact
// cross-multiplied amount comparison through fx_to_usd, keyset on (sort_key, seq) descending.
// Reputation sorts by score; freelancers without a score count as 0 and so come after every
// rated one, newest profile first (the documented default).
inline constexpr std::string_view kSearchFreelancers = R"(
  WITH q AS (
    SELECT CASE WHEN $1 = '' THEN NULL ELSE websearch_to_tsquery('english', $1) END AS query),
  f AS (SELECT num, den FROM fx_to_usd WHERE currency = $5),
  p AS (
    SELECT profiles.*, r.score, r.job_success_percent, r.badges, r.review_count,
      CASE $8
        WHEN 'relevance' THEN ts_rank(profiles.search_vector, q.query)::numeric
        WHEN 'newest' THEN profiles.seq::numeric
        WHEN 'reputation' THEN COALESCE(r.score, 0)
        WHEN 'amount_high' THEN
          COALESCE(round(profiles.hourly_rate_minor_units * fx.num / fx.den, 6), -1e30)
        ELSE COALESCE(-round(profiles.hourly_rate_minor_units * fx.num / fx.den, 6), -1e30)
      END AS sort_key
    FROM profiles CROSS JOIN q
      LEFT JOIN freelancer_reputation r ON r.freelancer_id = profiles.freelancer_id
      LEFT JOIN fx_to_usd fx ON fx.currency = profiles.hourly_rate_currency
    WHERE (q.query IS NULL OR profiles.search_vector @@ q.query)
      AND profiles.skills @> $2::text[]
      AND ($3 = '' OR profiles.country = $3)
      AND ($4 = '' OR $4 = ANY (profiles.languages))
      AND ($5 = '' OR CASE
        WHEN profiles.hourly_rate_currency = $5 THEN
          (NULLIF($6, '')::bigint IS NULL
           OR profiles.hourly_rate_minor_units >= NULLIF($6, '')::bigint)
          AND (NULLIF($7, '')::bigint IS NULL
               OR profiles.hourly_rate_minor_units <= NULLIF($7, '')::bigint)
        ELSE
          fx.num IS NOT NULL AND EXISTS (SELECT 1 FROM f)
          AND (NULLIF($6, '')::bigint IS NULL
               OR profiles.hourly_rate_minor_units * fx.num * (SELECT den FROM f)
                  >= NULLIF($6, '')::bigint * fx.den * (SELECT num FROM f))
          AND (NULLIF($7, '')::bigint IS NULL
               OR profiles.hourly_rate_minor_units * fx.num * (SELECT den FROM f)
                  <= NULLIF($7, '')::bigint * fx.den * (SELECT num FROM f))
        END))
  SELECT p.freelancer_id::text AS freelancer_id, p.seq, p.headline, p.overview, p.skills,
         p.languages, p.country, p.timezone, p.hourly_rate_minor_units, p.hourly_rate_currency,
         p.weekly_availability_hours, p.version,
         (extract(epoch FROM p.created_at) * 1000000)::bigint AS created_at_micros,
         (extract(epoch FROM p.updated_at) * 1000000)::bigint AS updated_at_micros,
         COALESCE(p.score, 0)::numeric(3, 2)::text AS score,
         COALESCE(p.job_success_percent, 0) AS job_success_percent,
         COALESCE(p.badges, '{}') AS badges, COALESCE(p.review_count, 0) AS review_count,
         p.sort_key::text AS sort_key_text
  FROM p
  WHERE NULLIF($9, '')::numeric IS NULL
     OR (p.sort_key, p.seq) < (NULLIF($9, '')::numeric, $10::bigint)
  ORDER BY p.sort_key DESC, p.seq DESC
  LIMIT $11)";

inline constexpr std::string_view kSearchOffers = R"(
  WITH q AS (
    SELECT CASE WHEN $1 = '' THEN NULL ELSE websearch_to_tsquery('english', $1) END AS query),
  f AS (SELECT num, den FROM fx_to_usd WHERE currency = $4),
  o AS (
    SELECT offers.*,
      CASE $7
        WHEN 'relevance' THEN ts_rank(offers.search_vector, q.query)::numeric
        WHEN 'newest' THEN offers.seq::numeric
        WHEN 'amount_high' THEN
          COALESCE(round(offers.price_minor_units * fx.num / fx.den, 6), -1e30)
        ELSE COALESCE(-round(offers.price_minor_units * fx.num / fx.den, 6), -1e30)
      END AS sort_key
    FROM offers CROSS JOIN q LEFT JOIN fx_to_usd fx ON fx.currency = offers.price_currency
    WHERE offers.status = 'active'
      AND (q.query IS NULL OR offers.search_vector @@ q.query)
      AND offers.skills @> $2::text[]
      AND ($3 = '' OR offers.freelancer_country = $3)
      AND ($4 = '' OR CASE
        WHEN offers.price_currency = $4 THEN
          (NULLIF($5, '')::bigint IS NULL OR offers.price_minor_units >= NULLIF($5, '')::bigint)
          AND (NULLIF($6, '')::bigint IS NULL OR offers.price_minor_units <= NULLIF($6, '')::bigint)
        ELSE
          fx.num IS NOT NULL AND EXISTS (SELECT 1 FROM f)
          AND (NULLIF($5, '')::bigint IS NULL
               OR offers.price_minor_units * fx.num * (SELECT den FROM f)
                  >= NULLIF($5, '')::bigint * fx.den * (SELECT num FROM f))
          AND (NULLIF($6, '')::bigint IS NULL
               OR offers.price_minor_units * fx.num * (SELECT den FROM f)
                  <= NULLIF($6, '')::bigint * fx.den * (SELECT num FROM f))
        END))
  SELECT )" MARKET_OFFER_COLUMNS R"(, o.sort_key::text AS sort_key_text
  FROM o
  WHERE NULLIF($8, '')::numeric IS NULL
     OR (o.sort_key, o.seq) < (NULLIF($8, '')::numeric, $9::bigint)
  ORDER BY o.sort_key DESC, o.seq DESC
  LIMIT $10)";

std::string OptionalNumber(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string();
}

FreelancerHit ReadFreelancer(const pqxx::row& row) {
  FreelancerHit hit;
  ProfileRecord& profile = hit.profile;
  profile.freelancer_id = row["freelancer_id"].as<std::string>();
  profile.fields.headline = row["headline"].as<std::string>();
  profile.fields.overview = row["overview"].as<std::string>();
  profile.fields.skills = pg::ReadTextArray(row["skills"]);
  profile.fields.languages = pg::ReadTextArray(row["languages"]);
  profile.country = row["country"].as<std::string>();
  profile.fields.timezone = row["timezone"].as<std::string>();
  profile.fields.hourly_rate_minor_units = row["hourly_rate_minor_units"].as<std::int64_t>();
  profile.fields.hourly_rate_currency = row["hourly_rate_currency"].as<std::string>();
  profile.fields.weekly_availability_hours = row["weekly_availability_hours"].as<int>();
  profile.version = row["version"].as<std::int64_t>();
  profile.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  profile.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  profile.reputation = ReadReputation(row);
  hit.seq = row["seq"].as<std::int64_t>();
  hit.sort_key = row["sort_key_text"].as<std::string>();
  return hit;
}

}  // namespace

std::vector<FreelancerHit> SearchFreelancerRows(pqxx::work& tx, const SearchBasics& b, int limit) {
  const SearchCursor after = b.cursor.value_or(SearchCursor{});
  std::vector<FreelancerHit> hits;
  for (const auto& row :
       tx.exec_params(std::string(kSearchFreelancers), b.query, pg::ToArrayLiteral(b.skills),
                      b.country, b.language, b.amount.currency, OptionalNumber(b.amount.min),
                      OptionalNumber(b.amount.max), std::string(SearchOrderName(b.order)),
                      after.sort_key, after.seq, limit)) {
    hits.push_back(ReadFreelancer(row));
  }
  return hits;
}

std::vector<OfferHit> SearchOfferRows(pqxx::work& tx, const SearchBasics& b, int limit) {
  const SearchCursor after = b.cursor.value_or(SearchCursor{});
  std::vector<OfferHit> hits;
  for (const auto& row :
       tx.exec_params(std::string(kSearchOffers), b.query, pg::ToArrayLiteral(b.skills), b.country,
                      b.amount.currency, OptionalNumber(b.amount.min), OptionalNumber(b.amount.max),
                      std::string(SearchOrderName(b.order)), after.sort_key, after.seq, limit)) {
    hits.push_back({ReadOffer(row), row["sort_key_text"].as<std::string>()});
  }
  return hits;
}

}  // namespace market::listings
