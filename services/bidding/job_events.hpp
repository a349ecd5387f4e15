// Listings' job events, applied to bidding's copy of the jobs and to the bids on them. Runs in
// the consumer's transaction (events/consumer.hpp), which records the event as applied, so each
// effect happens once however often an event arrives:
//   JobPosted, JobUpdated, JobClosed, JobInvited: the copy takes the job as the event carries it
//     (when its version is not older than the copy's). A closed job keeps its bids: its owner
//     may still accept one.
//   JobUpdated: active bids whose kind (fixed or hourly) or currency no longer fit the job
//     expire, and their credits return.
//   JobCancelled: active bids expire; every bid's credits return (cancelled without a hire).
//   JobFilled: active bids are not chosen.
// Other event types on the stream are not bidding's business: applied as nothing.
#pragma once

#include <chrono>
#include <functional>

#include <pqxx/result>
#include <pqxx/transaction>

#include "job_copy.hpp"
#include "market/common/statusor.hpp"
#include "market/events/v1/events.pb.h"
#include "market/listings/v1/listings.pb.h"

namespace market::bidding {

// The copy of `job`; invalid_argument when it lacks what bidding needs (an id, a budget).
StatusOr<JobCopy> JobCopyFrom(const listings::v1::Job& job);

using Clock = std::function<std::chrono::system_clock::time_point()>;

Status ApplyJobEvent(pqxx::work& tx, const events::v1::EventEnvelope& event, const Clock& clock);

}  // namespace market::bidding
