// DisputeRepository: the SQL of disputes and their audit trail, run inside the caller's
// transaction. The trail is append-only (migrations/002_contracts.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

namespace market::escrow {

struct DisputeStep {
  std::string kind;  // opened, responded, resolved
  std::string actor_id;
  std::string text;
  std::int64_t at_micros = 0;
};

struct DisputeRecord {
  std::string id;
  std::string contract_id;
  std::string milestone_id;
  std::string opened_by;  // client, freelancer
  std::string state;      // open, resolved
  std::int64_t held = 0;
  std::string currency;
  std::int64_t opened_at_micros = 0;
  std::int64_t response_deadline_micros = 0;
  std::optional<std::int64_t> to_freelancer;
  std::optional<std::int64_t> to_client;
  std::vector<DisputeStep> trail;
};

// A new open dispute, its deadline `response_window_seconds` from now on database time, with
// its first trail step.
DisputeRecord InsertDispute(pqxx::work& tx, const std::string& contract_id,
                            const std::string& milestone_id, const std::string& opened_by,
                            std::int64_t held, const std::string& currency,
                            std::int64_t response_window_seconds, const std::string& actor_id,
                            const std::string& reason);

std::optional<DisputeRecord> FindDispute(pqxx::work& tx, const std::string& dispute_id);

void AppendDisputeStep(pqxx::work& tx, const std::string& dispute_id, const std::string& kind,
                       const std::string& actor_id, const std::string& text);

void MarkDisputeResolved(pqxx::work& tx, const std::string& dispute_id, std::int64_t to_freelancer,
                         std::int64_t to_client);

enum class DisputeSort { kAge, kAmount, kDeadline };

// Disputes in `state` ("open" or "resolved") in the given order, at most `limit`.
std::vector<DisputeRecord> ListDisputes(pqxx::work& tx, const std::string& state, DisputeSort sort,
                                        int limit);

}  // namespace market::escrow
