// Bidding's copy of the languages each freelancer's profile lists, kept from listings'
// ProfileUpdated events (migrations/003_freelancer_languages.sql). PlaceBid reads it to apply a
// job's allowed languages (bid_rules.hpp, CheckLanguages); the request never carries languages,
// since a caller could claim any.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"
#include "market/events/v1/events.pb.h"

namespace market::bidding {

// Applies a ProfileUpdated event (older versions than the copy's change nothing); other event
// types are not its business and apply as nothing. Runs in the consumer's transaction.
Status ApplyProfileEvent(pqxx::work& tx, const events::v1::EventEnvelope& event);

// The languages of the freelancer's profile; none when bidding has seen no profile of it.
std::optional<std::vector<std::string>> FindFreelancerLanguages(pqxx::work& tx,
                                                                const std::string& freelancer_id);

}  // namespace market::bidding
