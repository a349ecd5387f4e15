// Bidding's copy of the languages each freelancer's profile lists, kept from listings'
// ProfileUpdated events (migrations/003_freelancer_languages.sql). PlaceBid reads it to apply a
// job's allowed languages (bid_rules.hpp, CheckLanguages); the request never carries languages,
// since a caller could claim any.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/events/v1/events.pb.h"

namespace market::bidding {

// Applies a ProfileUpdated event (older versions than the copy's change nothing); other event
// types are not its business and apply as nothing. Runs in the consumer's transaction.
Status ApplyProfileEvent(pqxx::work& tx, const events::v1::EventEnvelope& event);

// The languages of each freelancer's profile, by id (UUIDs, as PostgreSQL writes them: lower
// case); a freelancer bidding has seen no profile of is absent.
std::unordered_map<std::string, std::vector<std::string>> FindFreelancersLanguages(
    pqxx::work& tx, const std::vector<std::string>& freelancer_ids);

}  // namespace market::bidding
