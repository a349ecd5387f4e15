#include "market/events/retention.hpp"

#include <string>

#include <pqxx/transaction>

#include "market/pg/transaction.hpp"

namespace market::events {
namespace {

using Clock = std::chrono::steady_clock;

// Each statement deletes one batch through the primary key; the age test uses the
// (consumer_group, processed_at) and (consumer_group, failed_at) indexes.
inline constexpr std::string_view kPruneProcessed = R"(
  DELETE FROM processed_events
   WHERE (consumer_group, event_id) IN (
         SELECT consumer_group, event_id FROM processed_events
          WHERE consumer_group = $1 AND processed_at < now() - make_interval(secs => $2)
          LIMIT $3)
)";

inline constexpr std::string_view kPruneDead = R"(
  DELETE FROM dead_events
   WHERE (consumer_group, stream, entry_id) IN (
         SELECT consumer_group, stream, entry_id FROM dead_events
          WHERE consumer_group = $1 AND failed_at < now() - make_interval(secs => $2)
          LIMIT $3)
)";

constexpr std::chrono::seconds kBatchDeadline{10};

StatusOr<std::size_t> PruneTable(pg::Pool& pool, std::string_view sql, std::string_view group,
                                 std::chrono::hours keep, const RetentionOptions& options) {
  const auto keep_seconds = std::chrono::duration_cast<std::chrono::seconds>(keep).count();
  std::size_t total = 0;
  for (std::size_t batch = 0; batch < options.max_batches; ++batch) {
    MARKET_ASSIGN_OR_RETURN(
        const std::size_t deleted,
        pg::InTransaction(pool, pg::TxOptions{.deadline = Clock::now() + kBatchDeadline},
                          [&](pqxx::work& tx) -> StatusOr<std::size_t> {
                            const pqxx::result result =
                                tx.exec_params(std::string(sql), std::string(group),
                                               static_cast<long long>(keep_seconds),
                                               static_cast<long long>(options.batch_size));
                            return static_cast<std::size_t>(result.affected_rows());
                          }));
    total += deleted;
    if (deleted < options.batch_size) break;
  }
  return total;
}

}  // namespace

Status ValidateRetention(const RetentionOptions& options) {
  if (options.keep_processed < std::chrono::hours(24)) {
    return InvalidArgumentError(
        "keep_processed: must be at least one day, longer than any redelivery of an event");
  }
  if (options.keep_dead < options.keep_processed) {
    return InvalidArgumentError("keep_dead: must be at least keep_processed");
  }
  if (options.batch_size == 0 || options.max_batches == 0) {
    return InvalidArgumentError("batch_size and max_batches: must be at least 1");
  }
  return OkStatus();
}

StatusOr<Pruned> PruneConsumed(pg::Pool& pool, std::string_view group,
                               const RetentionOptions& options) {
  MARKET_RETURN_IF_ERROR(ValidateRetention(options));
  Pruned pruned;
  MARKET_ASSIGN_OR_RETURN(
      pruned.processed, PruneTable(pool, kPruneProcessed, group, options.keep_processed, options));
  MARKET_ASSIGN_OR_RETURN(pruned.dead,
                          PruneTable(pool, kPruneDead, group, options.keep_dead, options));
  return pruned;
}

}  // namespace market::events
