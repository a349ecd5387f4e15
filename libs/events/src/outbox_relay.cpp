#include "market/events/outbox_relay.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/binarystring>
#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/events/v1/events.pb.h"
#include "market/pg/arrays.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "stream_entry.hpp"

namespace market::events {
namespace {

using Clock = std::chrono::steady_clock;

// One relay per (schema, source): advisory locks are database-wide, so the key names the schema.
inline constexpr std::string_view kTryLock = R"(
  SELECT pg_try_advisory_xact_lock(hashtextextended(current_schema() || '.outbox.' || $1, 0))
         AS locked
)";

// Timestamps leave SQL as unix microseconds (market/pg/time.hpp).
inline constexpr std::string_view kSelectUnpublished = R"(
  SELECT id, event_type, aggregate_id, payload,
         (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_at_micros
    FROM outbox
   WHERE source = $1 AND published_at IS NULL
   ORDER BY id
   LIMIT $2
     FOR UPDATE
)";

// Exactly the rows published: a row with an id inside the batch's range may have committed
// after the SELECT and was not published. The ids travel as one array literal
// (market/pg/arrays.hpp).
inline constexpr std::string_view kMarkPublished = R"(
  UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])
)";

inline constexpr std::string_view kPurgePublished = R"(
  DELETE FROM outbox
   WHERE id IN (SELECT id FROM outbox
                 WHERE source = $1 AND published_at < now() - make_interval(secs => $2)
                 LIMIT 10000)
)";

constexpr std::chrono::seconds kStepDeadline{10};
constexpr std::chrono::hours kPurgeEvery{1};
// While Redis stays down, steps slow down to this, so an outage is not hammered.
constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::string EnvelopeFrom(const std::string& source, const pqxx::row& row) {
  const auto id = row["id"].as<long long>();
  const auto type = row["event_type"].as<std::string>();
  v1::EventEnvelope envelope;
  envelope.set_event_id(source + ":" + std::to_string(id));
  envelope.set_source(source);
  envelope.set_type(type);
  envelope.set_aggregate_id(row["aggregate_id"].as<std::string>());
  *envelope.mutable_occurred_at() =
      pg::TimestampFromUnixMicros(row["occurred_at_micros"].as<std::int64_t>());
  envelope.mutable_payload()->set_type_url("type.googleapis.com/" + type);
  envelope.mutable_payload()->set_value(pqxx::binarystring(row["payload"]).str());
  return envelope.SerializeAsString();
}

}  // namespace

OutboxRelay::OutboxRelay(pg::Pool& pool, redis::Client& redis, RelayOptions options)
    : pool_(pool),
      redis_(redis),
      options_(std::move(options)),
      stream_(StreamName(options_.source)),
      task_({.name = "outbox-relay:" + options_.source,
             .interval = options_.poll_interval,
             .max_backoff = std::max(options_.poll_interval, kMaxBackoff)},
            [this] { return Step(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

StatusOr<std::size_t> OutboxRelay::PublishBatch() {
  if (!IsValidSource(options_.source)) {
    return InvalidArgumentError("source: must be 1 to 64 characters from a-z, 0-9, _ and -");
  }
  // No transaction while the Redis client is failing fast: it would only lock rows to roll back.
  if (!redis_.Healthy()) return UnavailableError("redis: unavailable, events stay in the outbox");

  const pg::TxOptions tx_options{.deadline = Clock::now() + kStepDeadline};
  return pg::InTransaction(pool_, tx_options, [&](pqxx::work& tx) -> StatusOr<std::size_t> {
    if (!tx.exec_params1(std::string(kTryLock), options_.source)["locked"].as<bool>()) {
      return std::size_t{0};
    }
    const pqxx::result rows = tx.exec_params(std::string(kSelectUnpublished), options_.source,
                                             static_cast<long long>(options_.batch_size));
    if (rows.empty()) return std::size_t{0};

    std::vector<std::vector<std::string>> commands;
    commands.reserve(rows.size());
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const pqxx::row& row : rows) {
      std::vector<std::string> command{"XADD", stream_};
      if (options_.max_stream_length > 0) {
        command.insert(command.end(), {"MAXLEN", "~", std::to_string(options_.max_stream_length)});
      }
      command.insert(command.end(),
                     {"*", std::string(kEventIdField), options_.source + ":" + row["id"].c_str(),
                      std::string(kEnvelopeField), EnvelopeFrom(options_.source, row)});
      commands.push_back(std::move(command));
      ids.emplace_back(row["id"].c_str());
    }

    MARKET_ASSIGN_OR_RETURN(auto replies, redis_.Pipeline(commands));
    for (const redis::Reply& reply : replies) {
      if (reply.type == redis::Reply::Type::kError) {
        return FailedPreconditionError("redis: " + reply.text);
      }
    }
    tx.exec_params(std::string(kMarkPublished), pg::ToArrayLiteral(ids));
    return rows.size();
  });
}

StatusOr<std::size_t> OutboxRelay::PurgePublished() {
  const auto keep_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(options_.keep_published).count();
  const pg::TxOptions tx_options{.deadline = Clock::now() + kStepDeadline};
  return pg::InTransaction(pool_, tx_options, [&](pqxx::work& tx) -> StatusOr<std::size_t> {
    const pqxx::result deleted = tx.exec_params(std::string(kPurgePublished), options_.source,
                                                static_cast<long long>(keep_seconds));
    return static_cast<std::size_t>(deleted.affected_rows());
  });
}

void OutboxRelay::Start() { task_.Start(); }

void OutboxRelay::Stop() { task_.Stop(); }

void OutboxRelay::RequestStop() { task_.RequestStop(); }

PeriodicTask::Outcome OutboxRelay::Step() {
  StatusOr<std::size_t> published = InternalError("event relay: step did not run");
  try {
    published = PublishBatch();
  } catch (const std::exception& error) {
    published = InternalError("event relay: unexpected " + log::ExceptionType(error));
  }
  if (!published.ok() && !failing_) {
    log::Warn(
        "event relay cannot publish; events stay in the outbox",
        {{"source", options_.source}, {"code", std::string(CodeName(published.status().code()))}});
  } else if (published.ok() && failing_) {
    log::Info("event relay publishing again", {{"source", options_.source}});
  }
  failing_ = !published.ok();
  if (!published.ok()) return PeriodicTask::Outcome::kFailed;

  if (Clock::now() >= next_purge_) {
    next_purge_ = Clock::now() + kPurgeEvery;
    auto purged = PurgePublished();
    if (!purged.ok()) {
      log::Warn(
          "event relay cannot purge published events",
          {{"source", options_.source}, {"code", std::string(CodeName(purged.status().code()))}});
    }
  }
  return *published == options_.batch_size ? PeriodicTask::Outcome::kMoreWork
                                           : PeriodicTask::Outcome::kIdle;
}

}  // namespace market::events
