#include "bid_proto.hpp"

#include "bid_rules.hpp"
#include "market/common/ids.hpp"
#include "market/connect/error_details.hpp"
#include "market/pg/time.hpp"

namespace market::bidding {

void ToProto(const BidRecord& record, v1::Bid& bid) {
  bid.set_id(record.id);
  bid.set_job_id(record.job_id);
  bid.set_freelancer_id(record.freelancer_id);
  bid.set_freelancer_country(record.freelancer_country);
  bid.set_status(StatusFromText(record.status));
  *bid.mutable_terms() = ToProto(record.terms);
  bid.set_revision(record.revision);
  bid.set_shortlisted(record.shortlisted);
  bid.set_rejection_reason(record.rejection_reason);
  bid.set_invited(record.invited);
  bid.set_credits_spent(record.credits_spent);
  bid.set_payout_currency(record.payout_currency);
  *bid.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
  *bid.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_unix_micros);
}

void ToProto(const RevisionRecord& record, v1::BidRevision& revision) {
  revision.set_revision(record.revision);
  *revision.mutable_terms() = ToProto(record.terms);
  *revision.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
}

std::string_view StatusText(v1::BidStatus status) {
  switch (status) {
    case v1::BID_STATUS_ACTIVE:
      return "active";
    case v1::BID_STATUS_WITHDRAWN:
      return "withdrawn";
    case v1::BID_STATUS_REJECTED:
      return "rejected";
    case v1::BID_STATUS_ACCEPTED:
      return "accepted";
    case v1::BID_STATUS_NOT_CHOSEN:
      return "not_chosen";
    case v1::BID_STATUS_EXPIRED:
      return "expired";
    default:
      return "";
  }
}

v1::BidStatus StatusFromText(std::string_view text) {
  for (int value = v1::BidStatus_MIN; value <= v1::BidStatus_MAX; ++value) {
    if (!v1::BidStatus_IsValid(value)) continue;
    const auto status = static_cast<v1::BidStatus>(value);
    if (StatusText(status) == text && !text.empty()) return status;
  }
  return v1::BID_STATUS_UNSPECIFIED;
}

StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx) {
  const auth::Principal& caller = ctx.Caller();
  if (!ids::IsUuid(caller.subject)) {
    return UnauthenticatedError("the token does not name an account");
  }
  return caller;
}

Status CheckId(const std::string& id, std::string_view field, std::string_view what) {
  if (ids::IsUuid(id)) return OkStatus();
  return InvalidArgumentError(std::string(field) + ": must be " + std::string(what) + " id (UUID)");
}

StatusOr<std::vector<std::string>> StatusFilter(
    const google::protobuf::RepeatedField<int>& values) {
  connect::FieldViolations violations;
  std::vector<std::string> statuses;
  for (int i = 0; i < values.size(); ++i) {
    const std::string_view text =
        v1::BidStatus_IsValid(values[i]) ? StatusText(static_cast<v1::BidStatus>(values[i])) : "";
    if (text.empty()) {
      violations.Add("statuses[" + std::to_string(i) + "]", "must be a BidStatus value");
    } else {
      statuses.emplace_back(text);
    }
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  return statuses;
}

Status BidNotFound() {
  return RuleError(StatusCode::kNotFound, kBidNotFound, "bid_id: no such bid");
}

Status BidNotActive(const BidRecord& bid, std::string_view what) {
  return RuleError(StatusCode::kFailedPrecondition, kBidNotActive,
                   "bid_id: the bid is " + bid.status + "; " + std::string(what));
}

}  // namespace market::bidding
