// Bids as the protos show them, and the shared pieces of the handlers: the caller's account,
// the bid a caller may see, status names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <pqxx/result>
#include <pqxx/transaction>

#include "bid_repository.hpp"
#include "market/auth/principal.hpp"
#include "market/bidding/v1/bidding.pb.h"
#include "market/common/statusor.hpp"
#include "market/connect/call_context.hpp"

namespace market::bidding {

void ToProto(const BidRecord& record, v1::Bid& bid);
void ToProto(const RevisionRecord& record, v1::BidRevision& revision);

// "active" <-> BID_STATUS_ACTIVE, ...
std::string_view StatusText(v1::BidStatus status);
v1::BidStatus StatusFromText(std::string_view text);

// The verified caller, whose token must name an account (a UUID), since bids and jobs are keyed
// by account ids.
StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx);

// invalid_argument "<field>: must be a ... id (UUID)" unless `id` is a UUID.
Status CheckId(const std::string& id, std::string_view field, std::string_view what);

// The statuses of a list request as stored names; invalid_argument for UNSPECIFIED or unknown.
StatusOr<std::vector<std::string>> StatusFilter(const google::protobuf::RepeatedField<int>& values);

// not_found BID_NOT_FOUND: what a caller hears about a bid it may not see.
Status BidNotFound();
// failed_precondition BID_NOT_ACTIVE.
Status BidNotActive(const BidRecord& bid, std::string_view what);

}  // namespace market::bidding
