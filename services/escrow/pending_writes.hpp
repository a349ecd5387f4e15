// PendingWrites: the state changes that follow a money movement (milestone rows, completed
// contracts, outbox events), collected while the movement is worked out and written together by
// Flush, in the same transaction. A batch of movements (movement_batch.hpp) shares one, so its
// milestone rows cost one statement, and its events another, however many movements it holds.
//
//   PendingWrites writes;
//   MARKET_RETURN_IF_ERROR(Finish(writes, contract, milestone, "released"));
//   MARKET_RETURN_IF_ERROR(writes.Flush(tx));
//
// Events go out in the order they were added; a milestone is written as its record stands at
// Flush.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <pqxx/transaction>

#include "contract_repository.hpp"
#include "market/common/status.hpp"

namespace market::escrow {

inline constexpr std::string_view kEventSource = "escrow";

class PendingWrites {
 public:
  // Keeps a pointer: the record must live until Flush, with the state to write by then.
  void Milestone(const MilestoneRecord& milestone);
  void ContractCompleted(const std::string& contract_id);
  void Event(const std::string& aggregate_id, const google::protobuf::Message& event);

  // At most three statements: the milestones, the completed contracts, the events. Writes
  // nothing when an event is invalid.
  Status Flush(pqxx::work& tx);

 private:
  std::vector<const MilestoneRecord*> milestones_;
  std::vector<std::string> completed_;
  std::vector<std::pair<std::string, std::unique_ptr<google::protobuf::Message>>> events_;
};

}  // namespace market::escrow
