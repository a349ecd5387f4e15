#include "profile_repository.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "market/common/status.hpp"

namespace market::listings {
namespace {

// Text arrays travel as JSON arrays: unlike PostgreSQL's array literal, JSON has one unambiguous
// spelling for any element, quotes, commas and braces included. WITH ORDINALITY keeps the order.
inline constexpr std::string_view kUpsertProfile = R"(
  INSERT INTO profiles AS p (freelancer_id, headline, overview, skills, languages, country,
                             timezone, hourly_rate_minor_units, hourly_rate_currency,
                             weekly_availability_hours)
  VALUES ($1::uuid, $2, $3,
          ARRAY(SELECT e FROM jsonb_array_elements_text($4::jsonb) WITH ORDINALITY AS a(e, n)
                ORDER BY n),
          ARRAY(SELECT e FROM jsonb_array_elements_text($5::jsonb) WITH ORDINALITY AS a(e, n)
                ORDER BY n),
          $6, $7, $8, $9, $10)
  ON CONFLICT (freelancer_id) DO UPDATE SET
    headline = EXCLUDED.headline, overview = EXCLUDED.overview, skills = EXCLUDED.skills,
    languages = EXCLUDED.languages, country = EXCLUDED.country, timezone = EXCLUDED.timezone,
    hourly_rate_minor_units = EXCLUDED.hourly_rate_minor_units,
    hourly_rate_currency = EXCLUDED.hourly_rate_currency,
    weekly_availability_hours = EXCLUDED.weekly_availability_hours,
    version = p.version + 1, updated_at = now()
  RETURNING freelancer_id::text, version,
            (extract(epoch FROM created_at) * 1000000)::bigint,
            (extract(epoch FROM updated_at) * 1000000)::bigint)";

inline constexpr std::string_view kUpdateProfileAtVersion = R"(
  UPDATE profiles SET
    headline = $2, overview = $3,
    skills = ARRAY(SELECT e FROM jsonb_array_elements_text($4::jsonb) WITH ORDINALITY AS a(e, n)
                   ORDER BY n),
    languages = ARRAY(SELECT e FROM jsonb_array_elements_text($5::jsonb)
                      WITH ORDINALITY AS a(e, n) ORDER BY n),
    country = $6, timezone = $7, hourly_rate_minor_units = $8, hourly_rate_currency = $9,
    weekly_availability_hours = $10, version = version + 1, updated_at = now()
  WHERE freelancer_id = $1::uuid AND version = $11
  RETURNING freelancer_id::text, version,
            (extract(epoch FROM created_at) * 1000000)::bigint,
            (extract(epoch FROM updated_at) * 1000000)::bigint)";

inline constexpr std::string_view kSelectProfileVersion = R"(
  SELECT version FROM profiles WHERE freelancer_id = $1::uuid)";

inline constexpr std::string_view kSelectProfile = R"(
  SELECT freelancer_id::text, headline, overview, to_jsonb(skills)::text,
         to_jsonb(languages)::text, country, timezone, hourly_rate_minor_units,
         hourly_rate_currency, weekly_availability_hours, version,
         (extract(epoch FROM created_at) * 1000000)::bigint,
         (extract(epoch FROM updated_at) * 1000000)::bigint
  FROM profiles WHERE freelancer_id = $1::uuid)";

inline constexpr std::string_view kSelectPortfolioItems = R"(
  SELECT id::text, title, description, url, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM portfolio_items WHERE freelancer_id = $1::uuid ORDER BY seq)";

inline constexpr std::string_view kLockProfile = R"(
  SELECT 1 FROM profiles WHERE freelancer_id = $1::uuid FOR UPDATE)";

inline constexpr std::string_view kCountPortfolioItems = R"(
  SELECT count(*) FROM portfolio_items WHERE freelancer_id = $1::uuid)";

inline constexpr std::string_view kInsertPortfolioItem = R"(
  INSERT INTO portfolio_items (freelancer_id, title, description, url)
  VALUES ($1::uuid, $2, $3, $4)
  RETURNING id::text, (extract(epoch FROM created_at) * 1000000)::bigint)";

inline constexpr std::string_view kDeletePortfolioItem = R"(
  DELETE FROM portfolio_items WHERE id = $1::uuid AND freelancer_id = $2::uuid)";

std::string ToJsonArray(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return boost::json::serialize(array);
}

std::vector<std::string> FromJsonArray(std::string_view json) {
  std::vector<std::string> values;
  const boost::json::value parsed = boost::json::parse(json);
  for (const auto& element : parsed.as_array()) {
    values.emplace_back(element.as_string());
  }
  return values;
}

std::vector<PortfolioItemRecord> SelectPortfolioItems(pqxx::work& tx,
                                                      const std::string& freelancer_id) {
  std::vector<PortfolioItemRecord> items;
  for (const auto& row : tx.exec_params(std::string(kSelectPortfolioItems), freelancer_id)) {
    PortfolioItemRecord item;
    item.id = row[0].as<std::string>();
    item.fields.title = row[1].as<std::string>();
    item.fields.description = row[2].as<std::string>();
    item.fields.url = row[3].as<std::string>();
    item.created_at_unix_micros = row[4].as<std::int64_t>();
    items.push_back(std::move(item));
  }
  return items;
}

pqxx::result RunWrite(pqxx::work& tx, const std::string& freelancer_id, const std::string& country,
                      const ProfileFields& fields, std::int64_t expected_version) {
  const std::string skills = ToJsonArray(fields.skills);
  const std::string languages = ToJsonArray(fields.languages);
  if (expected_version == 0) {
    return tx.exec_params(std::string(kUpsertProfile), freelancer_id, fields.headline,
                          fields.overview, skills, languages, country, fields.timezone,
                          fields.hourly_rate_minor_units, fields.hourly_rate_currency,
                          fields.weekly_availability_hours);
  }
  return tx.exec_params(std::string(kUpdateProfileAtVersion), freelancer_id, fields.headline,
                        fields.overview, skills, languages, country, fields.timezone,
                        fields.hourly_rate_minor_units, fields.hourly_rate_currency,
                        fields.weekly_availability_hours, expected_version);
}

Status VersionConflict(pqxx::work& tx, const std::string& freelancer_id,
                       std::int64_t expected_version) {
  const pqxx::result current = tx.exec_params(std::string(kSelectProfileVersion), freelancer_id);
  if (current.empty()) {
    return AbortedError("expected_version: there is no profile yet; send 0 to create it");
  }
  return AbortedError("expected_version: the profile is at version " +
                      std::to_string(current[0][0].as<std::int64_t>()) + ", not " +
                      std::to_string(expected_version) + "; read it again and retry");
}

}  // namespace

StatusOr<ProfileRecord> WriteProfile(pqxx::work& tx, const std::string& freelancer_id,
                                     const std::string& country, const ProfileFields& fields,
                                     std::int64_t expected_version) {
  const pqxx::result written = RunWrite(tx, freelancer_id, country, fields, expected_version);
  if (written.empty()) return VersionConflict(tx, freelancer_id, expected_version);
  ProfileRecord record;
  record.freelancer_id = written[0][0].as<std::string>();
  record.fields = fields;
  record.country = country;
  record.version = written[0][1].as<std::int64_t>();
  record.created_at_unix_micros = written[0][2].as<std::int64_t>();
  record.updated_at_unix_micros = written[0][3].as<std::int64_t>();
  record.portfolio_items = SelectPortfolioItems(tx, freelancer_id);
  return record;
}

std::optional<ProfileRecord> FindProfile(pqxx::work& tx, const std::string& freelancer_id) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectProfile), freelancer_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  ProfileRecord record;
  record.freelancer_id = row[0].as<std::string>();
  record.fields.headline = row[1].as<std::string>();
  record.fields.overview = row[2].as<std::string>();
  record.fields.skills = FromJsonArray(row[3].as<std::string>());
  record.fields.languages = FromJsonArray(row[4].as<std::string>());
  record.country = row[5].as<std::string>();
  record.fields.timezone = row[6].as<std::string>();
  record.fields.hourly_rate_minor_units = row[7].as<std::int64_t>();
  record.fields.hourly_rate_currency = row[8].as<std::string>();
  record.fields.weekly_availability_hours = row[9].as<int>();
  record.version = row[10].as<std::int64_t>();
  record.created_at_unix_micros = row[11].as<std::int64_t>();
  record.updated_at_unix_micros = row[12].as<std::int64_t>();
  record.portfolio_items = SelectPortfolioItems(tx, freelancer_id);
  return record;
}

std::optional<std::size_t> LockProfileCountingItems(pqxx::work& tx,
                                                    const std::string& freelancer_id) {
  if (tx.exec_params(std::string(kLockProfile), freelancer_id).empty()) return std::nullopt;
  return tx.exec_params1(std::string(kCountPortfolioItems), freelancer_id)[0].as<std::size_t>();
}

PortfolioItemRecord InsertPortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                                        const PortfolioItemFields& fields) {
  const pqxx::row row = tx.exec_params1(std::string(kInsertPortfolioItem), freelancer_id,
                                        fields.title, fields.description, fields.url);
  PortfolioItemRecord item;
  item.id = row[0].as<std::string>();
  item.fields = fields;
  item.created_at_unix_micros = row[1].as<std::int64_t>();
  return item;
}

bool DeletePortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                         const std::string& item_id) {
  return tx.exec_params(std::string(kDeletePortfolioItem), item_id, freelancer_id)
             .affected_rows() == 1;
}

}  // namespace market::listings
