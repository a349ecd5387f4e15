#include "freelancer_languages.hpp"

#include "market/common/ids.hpp"
#include "market/listings/v1/listings.pb.h"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::bidding {
namespace {

namespace lv1 = listings::v1;

constexpr std::string_view kUpsertLanguages = R"sql(
INSERT INTO freelancer_languages (freelancer_id, languages, version)
VALUES ($1, $2::text[], $3)
ON CONFLICT (freelancer_id) DO UPDATE
SET languages = EXCLUDED.languages, version = EXCLUDED.version, updated_at = now()
WHERE freelancer_languages.version <= EXCLUDED.version
)sql";

constexpr std::string_view kSelectLanguages =
    "SELECT freelancer_id::text AS freelancer_id, languages FROM freelancer_languages "
    "WHERE freelancer_id = ANY ($1::uuid[])";

}  // namespace

Status ApplyProfileEvent(pqxx::work& tx, const events::v1::EventEnvelope& event) {
  if (!event.payload().Is<lv1::ProfileUpdated>()) return OkStatus();
  lv1::ProfileUpdated profile;
  if (!event.payload().UnpackTo(&profile)) {
    return InvalidArgumentError("payload: not a readable ProfileUpdated");
  }
  if (!ids::IsUuid(profile.freelancer_id())) {
    return InvalidArgumentError("freelancer_id: must be an account id (UUID)");
  }
  const std::vector<std::string> languages(profile.languages().begin(), profile.languages().end());
  pg::Exec(tx, kUpsertLanguages, profile.freelancer_id(), pg::ToArrayLiteral(languages),
           profile.version());
  return OkStatus();
}

std::unordered_map<std::string, std::vector<std::string>> FindFreelancersLanguages(
    pqxx::work& tx, const std::vector<std::string>& freelancer_ids) {
  std::unordered_map<std::string, std::vector<std::string>> languages;
  for (const pqxx::row& row : pg::Exec(tx, kSelectLanguages, pg::ToArrayLiteral(freelancer_ids))) {
    languages.emplace(row["freelancer_id"].as<std::string>(), pg::ReadTextArray(row["languages"]));
  }
  return languages;
}

}  // namespace market::bidding
