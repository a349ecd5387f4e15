#include "pending_writes.hpp"

#include <algorithm>

#include "market/events/outbox.hpp"

namespace market::escrow {

void PendingWrites::Milestone(const MilestoneRecord& milestone) {
  if (std::find(milestones_.begin(), milestones_.end(), &milestone) == milestones_.end()) {
    milestones_.push_back(&milestone);
  }
}

void PendingWrites::ContractCompleted(const std::string& contract_id) {
  completed_.push_back(contract_id);
}

void PendingWrites::Event(const std::string& aggregate_id, const google::protobuf::Message& event) {
  std::unique_ptr<google::protobuf::Message> copy(event.New());
  copy->CopyFrom(event);
  events_.emplace_back(aggregate_id, std::move(copy));
}

Status PendingWrites::Flush(pqxx::work& tx) {
  std::vector<events::PendingEvent> events;
  for (const auto& [aggregate_id, event] : events_) {
    events.push_back({.aggregate_id = aggregate_id, .payload = event.get()});
  }
  // The events first: an invalid one leaves nothing written.
  if (!events.empty()) MARKET_RETURN_IF_ERROR(events::EnqueueAll(tx, kEventSource, events));
  WriteMilestones(tx, milestones_);
  MarkContractsCompleted(tx, completed_);
  milestones_.clear();
  completed_.clear();
  events_.clear();
  return OkStatus();
}

}  // namespace market::escrow
