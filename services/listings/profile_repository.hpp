// ProfileRepository: the SQL of freelancer profiles and portfolio items, run inside the
// caller's transaction so that one call's reads and writes commit together or not at all.
//
//   pg::InTransaction(pool, [&](pqxx::work& tx) -> StatusOr<ProfileRecord> {
//     return WriteProfile(tx, caller.subject, caller.country, fields, expected_version);
//   });
//
// Ids passed in are already known to be UUIDs (see market::ids::IsUuid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "freelancer_reputation.hpp"
#include "market/common/statusor.hpp"
#include "profile_validation.hpp"

namespace market::listings {

struct PortfolioItemRecord {
  std::string id;
  PortfolioItemFields fields;
  std::int64_t created_at_unix_micros = 0;
};

struct ProfileRecord {
  std::string freelancer_id;
  ProfileFields fields;
  std::string country;
  std::int64_t version = 0;
  // Every change of the profile or its portfolio: the cache's newest-wins order.
  std::int64_t revision = 0;
  std::int64_t created_at_unix_micros = 0;
  std::int64_t updated_at_unix_micros = 0;
  std::vector<PortfolioItemRecord> portfolio_items;  // oldest first
  // Not the freelancer's to write: listings' copy of reputation's summary (GetProfile shows it).
  ReputationRecord reputation;
};

// Creates or overwrites the profile's fields and returns the stored profile with its portfolio
// and reputation summary.
// expected_version 0 writes unconditionally; a positive one writes only when the stored profile
// is at exactly that version, and is aborted otherwise (also when there is no profile yet).
// The check and the write are one statement, so two writers with the same expected version
// cannot both succeed.
StatusOr<ProfileRecord> WriteProfile(pqxx::work& tx, const std::string& freelancer_id,
                                     const std::string& country, const ProfileFields& fields,
                                     std::int64_t expected_version);

// The profile with its portfolio and reputation summary, or nullopt.
std::optional<ProfileRecord> FindProfile(pqxx::work& tx, const std::string& freelancer_id);

// Locks the profile until the transaction ends, so that concurrent portfolio changes of one
// freelancer take turns, and returns how many portfolio items it has; nullopt when there is
// no profile.
std::optional<std::size_t> LockProfileCountingItems(pqxx::work& tx,
                                                    const std::string& freelancer_id);

PortfolioItemRecord InsertPortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                                        const PortfolioItemFields& fields);

// Raises the profile's revision after a portfolio or reputation change (what GetProfile
// returns changed): the new revision, or nullopt when there is no profile.
std::optional<std::int64_t> BumpProfileRevision(pqxx::work& tx, const std::string& freelancer_id);

// Deletes the item only if it belongs to `freelancer_id`; false when it does not (or does not
// exist), which the two cases cannot tell apart.
bool DeletePortfolioItem(pqxx::work& tx, const std::string& freelancer_id,
                         const std::string& item_id);

}  // namespace market::listings
