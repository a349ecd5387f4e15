#include "profile_repository.hpp"

#include "market/common/status.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::listings {
namespace {

// Skills and languages travel as text[] literals (market/pg/arrays.hpp); timestamps leave SQL as
// unix microseconds (market/pg/time.hpp).
inline constexpr std::string_view kUpsertProfile = R"(
  INSERT INTO profiles AS p (freelancer_id, headline, overview, skills, languages, country,
                             timezone, hourly_rate_minor_units, hourly_rate_currency,
                             weekly_availability_hours)
  VALUES ($1::uuid, $2, $3, $4::text[], $5::text[], $6, $7, $8, $9, $10)
  ON CONFLICT (freelancer_id) DO UPDATE SET
    headline = EXCLUDED.headline, overview = EXCLUDED.overview, skills = EXCLUDED.skills,
    languages = EXCLUDED.languages, country = EXCLUDED.country, timezone = EXCLUDED.timezone,
    hourly_rate_minor_units = EXCLUDED.hourly_rate_minor_units,
    hourly_rate_currency = EXCLUDED.hourly_rate_currency,
    weekly_availability_hours = EXCLUDED.weekly_availability_hours,
    version = p.version + 1, revision = p.revision + 1, updated_at = now()
  RETURNING freelancer_id::text AS freelancer_id, version, revision,
            (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros,
            (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_at_micros)";

inline constexpr std::string_view kUpdateProfileAtVersion = R"(
  UPDATE profiles SET
    headline = $2, overview = $3, skills = $4::text[], languages = $5::text[], country = $6,
    timezone = $7, hourly_rate_minor_units = $8, hourly_rate_currency = $9,
    weekly_availability_hours = $10, version = version + 1, revision = revision + 1,
    updated_at = now()
  WHERE freelancer_id = $1::uuid AND version = $11
  RETURNING freelancer_id::text AS freelancer_id, version, revision,
            (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros,
            (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_at_micros)";

inline constexpr std::string_view kSelectProfileVersion = R"(
  SELECT version FROM profiles WHERE freelancer_id = $1::uuid)";

// The reputation summary comes in the same statement (NULL columns when there is none).
inline constexpr std::string_view kSelectProfile = R"(
  SELECT p.freelancer_id::text AS freelancer_id, headline, overview, skills, languages, country,
         timezone, hourly_rate_minor_units, hourly_rate_currency, weekly_availability_hours,
         p.version, revision,
         (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros,
         (extract(epoch FROM p.updated_at) * 1000000)::bigint AS updated_at_micros,
         r.score::text AS score, r.job_success_percent, r.badges, r.review_count
  FROM profiles p LEFT JOIN freelancer_reputation r ON r.freelancer_id = p.freelancer_id
  WHERE p.freelancer_id = $1::uuid)";

inline constexpr std::string_view kSelectPortfolioItems = R"(
  SELECT id::text AS id, title, description, url,
         (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
  FROM portfolio_items WHERE freelancer_id = $1::uuid ORDER BY seq)";

inline constexpr std::string_view kLockProfile = R"(
  SELECT 1 FROM profiles WHERE freelancer_id = $1::uuid FOR UPDATE)";

inline constexpr std::string_view kCountPortfolioItems = R"(
  SELECT count(*) AS item_count FROM portfolio_items WHERE freelancer_id = $1::uuid)";

inline constexpr std::string_view kInsertPortfolioItem = R"(
  INSERT INTO portfolio_items (freelancer_id, title, description, url)
  VALUES ($1::uuid, $2, $3, $4)
  RETURNING id::text AS id, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros)";

inline constexpr std::string_view kBumpRevision = R"(
  UPDATE profiles SET revision = revision + 1 WHERE freelancer_id = $1::uuid
  RETURNING revision)";

inline constexpr std::string_view kDeletePortfolioItem = R"(
  DELETE FROM portfolio_items WHERE id = $1::uuid AND freelancer_id = $2::uuid)";

std::vector<PortfolioItemRecord> SelectPortfolioItems(pqxx::work& tx,
                                                      const std::string& freelancer_id) {
  std::vector<PortfolioItemRecord> items;
  for (const auto& row : pg::Exec(tx, kSelectPortfolioItems, freelancer_id)) {
    PortfolioItemRecord item;
    item.id = row["id"].as<std::string>();
    item.fields.title = row["title"].as<std::string>();
    item.fields.description = row["description"].as<std::string>();
    item.fields.url = row["url"].as<std::string>();
    item.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
    items.push_back(std::move(item));
  }
  return items;
}

pqxx::result RunWrite(pqxx::work& tx, const std::string& freelancer_id, const std::string& country,
                      const ProfileFields& fields, std::int64_t expected_version) {
  const std::string skills = pg::ToArrayLiteral(fields.skills);
  const std::string languages = pg::ToArrayLiteral(fields.languages);
  if (expected_version == 0) {
    return pg::Exec(tx, kUpsertProfile, freelancer_id, fields.headline, fields.overview, skills,
                    languages, country, fields.timezone, fields.hourly_rate_minor_units,
                    fields.hourly_rate_currency, fields.weekly_availability_hours);
  }
  return pg::Exec(tx, kUpdateProfileAtVersion, freelancer_id, fields.headline, fields.overview,
                  skills, languages, country, fields.timezone, fields.hourly_rate_minor_units,
                  fields.hourly_rate_currency, fields.weekly_availability_hours, expected_version);
}

Status VersionConflict(pqxx::work& tx, const std::string& freelancer_id,
                       std::int64_t expected_version) {
  const pqxx::result current = pg::Exec(tx, kSelectProfileVersion, freelancer_id);
  if (current.empty()) {
    return AbortedError("expected_version: there is no profile yet; send 0 to create it");
  }
  return AbortedError("expected_version: the profile is at version " +
                      std::to_string(current[0]["version"].as<std::int64_t>()) + ", not " +
                      std::to_string(expected_version) + "; read it again and retry");
}

}  // namespace

StatusOr<ProfileRecord> WriteProfile(pqxx::work& tx, const std::string& freelancer_id,
                                     const std::string& country, const ProfileFields& fields,
                                     std::int64_t expected_version) {
  const pqxx::result written = RunWrite(tx, freelancer_id, country, fields, expected_version);
  if (written.empty()) return VersionConflict(tx, freelancer_id, expected_version);
  const pqxx::row row = written[0];
  ProfileRecord record;
  record.freelancer_id = row["freelancer_id"].as<std::string>();
  record.fields = fields;
  record.country = country;
  record.version = row["version"].as<std::int64_t>();
  record.revision = row["revision"].as<std::int64_t>();
  record.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  record.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  record.portfolio_items = SelectPortfolioItems(tx, freelancer_id);
  record.reputation = FindReputation(tx, freelancer_id);
  return record;
}

std::optional<ProfileRecord> FindProfile(pqxx::work& tx, const std::string& freelancer_id) {
  const pqxx::result rows = pg::Exec(tx, kSelectProfile, freelancer_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  ProfileRecord record;
  record.freelancer_id = row["freelancer_id"].as<std::string>();
  record.fields.headline = row["headline"].as<std::string>();
  record.fields.overview = row["overview"].as<std::string>();
  record.fields.skills = pg::ReadTextArray(row["skills"]);
  record.fields.languages = pg::ReadTextArray(row["languages"]);
  record.country = row["country"].as<std::string>();
  record.fields.timezone = row["timezone"].as<std::string>();
  record.fields.hourly_rate_minor_units = row["hourly_rate_minor_units"].as<std::int64_t>();
  record.fields.hourly_rate_currency = row["hourly_rate_currency"].as<std::string>();
  record.fields.weekly_availability_hours = row["weekly_availability_hours"].as<int>();
  record.version = row["version"].as<std::int64_t>();
  record.revision = row["revision"].as<std::int64_t>();
  record.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  record.updated_at_unix_micros = row["updated_at_micros"].as<std::int64_t>();
  record.reputation = ReadReputation(row);
  record.portfolio_items = SelectPortfolioItems(tx, freelancer_id);
  return record;
}

std::optional<std::size_t> LockProfileCountingItems(pqxx::work& tx,
                                                    const std::string& freelancer_id) {
  if (pg::Exec(tx, kLockProfile, freelancer_id).empty()) return std::nullopt;
  return pg::Exec1(tx, kCountPortfolioItems, freelancer_id)["item_count"].as<std::size_t>();
}

PortfolioItemRecord InsertPortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                                        const PortfolioItemFields& fields) {
  const pqxx::row row = pg::Exec1(tx, kInsertPortfolioItem, freelancer_id, fields.title,
                                  fields.description, fields.url);
  PortfolioItemRecord item;
  item.id = row["id"].as<std::string>();
  item.fields = fields;
  item.created_at_unix_micros = row["created_at_micros"].as<std::int64_t>();
  return item;
}

std::optional<std::int64_t> BumpProfileRevision(pqxx::work& tx, const std::string& freelancer_id) {
  const pqxx::result bumped = pg::Exec(tx, kBumpRevision, freelancer_id);
  if (bumped.empty()) return std::nullopt;
  return bumped[0]["revision"].as<std::int64_t>();
}

bool DeletePortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                         const std::string& item_id) {
  return pg::Exec(tx, kDeletePortfolioItem, item_id, freelancer_id).affected_rows() == 1;
}

}  // namespace market::listings
