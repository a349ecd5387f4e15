#include "dispute_repository.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kDisputeColumns = R"(
  id::text AS id, contract_id::text AS contract_id, milestone_id::text AS milestone_id,
  opened_by, state, held, currency,
  (extract(epoch FROM opened_at) * 1000000)::bigint AS opened_at_micros,
  (extract(epoch FROM response_deadline) * 1000000)::bigint AS response_deadline_micros,
  to_freelancer, to_client)";

inline constexpr std::string_view kInsertDispute = R"(
  INSERT INTO disputes (contract_id, milestone_id, opened_by, held, currency, response_deadline)
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, now() + $6::bigint * interval '1 second')
  RETURNING id::text AS id)";

inline constexpr std::string_view kInsertStep = R"(
  INSERT INTO dispute_trail (dispute_id, kind, actor_id, text) VALUES ($1::uuid, $2, $3, $4))";

inline constexpr std::string_view kSelectTrail = R"(
  SELECT kind, actor_id, text, (extract(epoch FROM at) * 1000000)::bigint AS at_micros
  FROM dispute_trail WHERE dispute_id = $1::uuid ORDER BY id)";

inline constexpr std::string_view kResolve = R"(
  UPDATE disputes SET state = 'resolved', to_freelancer = $2, to_client = $3
  WHERE id = $1::uuid)";

DisputeRecord ReadDispute(pqxx::work& tx, const pqxx::row& row) {
  DisputeRecord d;
  d.id = row["id"].as<std::string>();
  d.contract_id = row["contract_id"].as<std::string>();
  d.milestone_id = row["milestone_id"].as<std::string>();
  d.opened_by = row["opened_by"].as<std::string>();
  d.state = row["state"].as<std::string>();
  d.held = row["held"].as<std::int64_t>();
  d.currency = row["currency"].as<std::string>();
  d.opened_at_micros = row["opened_at_micros"].as<std::int64_t>();
  d.response_deadline_micros = row["response_deadline_micros"].as<std::int64_t>();
  if (!row["to_freelancer"].is_null()) d.to_freelancer = row["to_freelancer"].as<std::int64_t>();
  if (!row["to_client"].is_null()) d.to_client = row["to_client"].as<std::int64_t>();
  for (const auto& step : tx.exec_params(std::string(kSelectTrail), d.id)) {
    d.trail.push_back({step["kind"].as<std::string>(), step["actor_id"].as<std::string>(),
                       step["text"].as<std::string>(), step["at_micros"].as<std::int64_t>()});
  }
  return d;
}

}  // namespace

DisputeRecord InsertDispute(pqxx::work& tx, const std::string& contract_id,
                            const std::string& milestone_id, const std::string& opened_by,
                            std::int64_t held, const std::string& currency,
                            std::int64_t response_window_seconds, const std::string& actor_id,
                            const std::string& reason) {
  const std::string id = tx.exec_params1(std::string(kInsertDispute), contract_id, milestone_id,
                                         opened_by, held, currency, response_window_seconds)["id"]
                             .as<std::string>();
  AppendDisputeStep(tx, id, "opened", actor_id, reason);
  return *FindDispute(tx, id);
}

std::optional<DisputeRecord> FindDispute(pqxx::work& tx, const std::string& dispute_id) {
  const pqxx::result rows = tx.exec_params(
      "SELECT " + std::string(kDisputeColumns) + " FROM disputes WHERE id = $1::uuid", dispute_id);
  if (rows.empty()) return std::nullopt;
  return ReadDispute(tx, rows[0]);
}

void AppendDisputeStep(pqxx::work& tx, const std::string& dispute_id, const std::string& kind,
                       const std::string& actor_id, const std::string& text) {
  tx.exec_params(std::string(kInsertStep), dispute_id, kind, actor_id, text);
}

void MarkDisputeResolved(pqxx::work& tx, const std::string& dispute_id, std::int64_t to_freelancer,
                         std::int64_t to_client) {
  tx.exec_params(std::string(kResolve), dispute_id, to_freelancer, to_client);
}

std::vector<DisputeRecord> ListDisputes(pqxx::work& tx, const std::string& state, DisputeSort sort,
                                        int limit) {
  // Constant ORDER BY clauses, chosen by an enum: no request text reaches the SQL.
  const char* order = sort == DisputeSort::kAmount     ? "held DESC, opened_at"
                      : sort == DisputeSort::kDeadline ? "response_deadline, opened_at"
                                                       : "opened_at, id";
  std::vector<DisputeRecord> disputes;
  for (const auto& row :
       tx.exec_params("SELECT " + std::string(kDisputeColumns) +
                          " FROM disputes WHERE state = $1 ORDER BY " + order + " LIMIT $2",
                      state, limit)) {
    disputes.push_back(ReadDispute(tx, row));
  }
  return disputes;
}

}  // namespace market::escrow
