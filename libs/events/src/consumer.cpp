#include "market/events/consumer.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <pqxx/binarystring>
#include <pqxx/result>

#include "market/common/log.hpp"
#include "market/pg/transaction.hpp"
#include "stream_entry.hpp"

namespace market::events {
namespace {

using Clock = std::chrono::steady_clock;

// The row that makes the effect exactly-once: it commits with the effect, or neither does.
inline constexpr std::string_view kRecordProcessed = R"(
  INSERT INTO processed_events (consumer_group, event_id) VALUES ($1, $2)
  ON CONFLICT DO NOTHING
)";

inline constexpr std::string_view kRecordDead = R"(
  INSERT INTO dead_events (consumer_group, stream, entry_id, event_id, envelope, attempts,
                           error_code, error_message)
  VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8)
  ON CONFLICT (consumer_group, stream, entry_id) DO UPDATE
     SET attempts = EXCLUDED.attempts, error_code = EXCLUDED.error_code,
         error_message = EXCLUDED.error_message, failed_at = now()
)";

constexpr std::chrono::milliseconds kMinBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::hours kPruneEvery{1};

// A dependency is down or busy: the event is not at fault, so the failure is not an attempt.
bool IsTransient(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kAborted || code == StatusCode::kResourceExhausted;
}

std::string CodeText(const Status& status) { return std::string(CodeName(status.code())); }

}  // namespace

Consumer::Consumer(pg::Pool& pool, redis::Client& redis, ConsumerOptions options,
                   EventHandler handler)
    : pool_(pool),
      redis_(redis),
      options_(std::move(options)),
      handler_(std::move(handler)),
      task_({.name = "event-consumer:" + options_.group,
             .interval = kMinBackoff,
             .max_backoff = kMaxBackoff},
            [this] { return Step(); }) {}

Consumer::~Consumer() { Stop(); }

StatusOr<std::size_t> Consumer::PollOnce() {
  if (options_.stream.empty() || options_.group.empty() || options_.consumer_name.empty()) {
    return InvalidArgumentError("consumer options: stream, group and consumer_name are required");
  }
  if (options_.batch_size == 0) return InvalidArgumentError("batch_size: must be at least 1");
  if (!redis_.Healthy()) return UnavailableError("redis: unavailable, events wait in the stream");
  MARKET_RETURN_IF_ERROR(EnsureGroup());
  std::size_t settled = 0;
  const auto now = Clock::now();
  const auto pending_due = pending_due_;
  const bool pending_read = now >= pending_due;
  // Until this step finishes cleanly, entries it read may be unsettled: look at them next time.
  pending_due_ = now;
  if (pending_read) {
    if (pending_cursor_ == "0") pending_failed_ = false;  // a new pass over the pending list
    MARKET_ASSIGN_OR_RETURN(std::size_t count, ReadPending());
    settled += count;
  }
  if (now >= reclaim_due_) {
    MARKET_ASSIGN_OR_RETURN(std::size_t count, Reclaim());
    settled += count;
  }
  MARKET_ASSIGN_OR_RETURN(std::size_t count, ReadNew(settled == 0));
  settled += count;

  if (pending_read && pending_cursor_ != "0") {
    pending_due_ = now;  // more pages of the pending list
  } else if (pending_failed_) {
    const auto retry_at = now + options_.retry_interval;
    pending_due_ = pending_read ? retry_at : std::min(pending_due, retry_at);
  } else {
    pending_due_ = pending_read ? Clock::time_point::max() : pending_due;
  }
  return settled;
}

Status Consumer::EnsureGroup() {
  if (group_ready_) return OkStatus();
  // From the start of the stream: a group created after events were published applies them too.
  auto created =
      redis_.Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!created.ok() && !redis::IsErrorReply(created.status(), "BUSYGROUP")) {
    return created.status();
  }
  group_ready_ = true;
  return OkStatus();
}

StatusOr<redis::Reply> Consumer::Read(const std::vector<std::string>& command,
                                      std::chrono::milliseconds timeout) {
  auto reply = redis_.Command(command, timeout);
  if (!redis::IsErrorReply(reply.status(), "NOGROUP")) return reply;
  // The group is gone: Redis lost its data or someone deleted it. What this consumer knew about
  // its pending entries is void; start over with a fresh group.
  log::Warn("event consumer group missing; creating it again",
            {{"stream", options_.stream}, {"group", options_.group}});
  group_ready_ = false;
  Forget();
  MARKET_RETURN_IF_ERROR(EnsureGroup());
  return redis_.Command(command, timeout);
}

void Consumer::Forget() {
  attempts_.clear();
  pass_seen_.clear();
  pending_cursor_ = "0";
  pending_failed_ = false;
  reclaim_cursor_ = "0-0";
}

StatusOr<std::size_t> Consumer::ReadPending() {
  const std::string count = std::to_string(options_.batch_size);
  MARKET_ASSIGN_OR_RETURN(redis::Reply reply,
                          Read({"XREADGROUP", "GROUP", options_.group, options_.consumer_name,
                                "COUNT", count, "STREAMS", options_.stream, pending_cursor_},
                               redis_.options().command_timeout));
  MARKET_ASSIGN_OR_RETURN(std::vector<StreamEntry> entries, EntriesFromReadReply(reply));
  if (pending_cursor_ == "0") pass_seen_.clear();
  for (const StreamEntry& entry : entries) pass_seen_.insert(entry.id);
  // A full page may have more behind it: continue after it next step, then start over.
  pending_cursor_ = entries.size() >= options_.batch_size ? entries.back().id : "0";
  if (pending_cursor_ == "0") {
    // A whole pass is done: an entry it did not see is no longer ours (another consumer
    // claimed it), so its count goes.
    std::erase_if(attempts_,
                  [&](const auto& counted) { return !pass_seen_.contains(counted.first); });
    pass_seen_.clear();
  }
  return Settle(entries);
}

StatusOr<std::size_t> Consumer::Reclaim() {
  const auto idle_ms = std::to_string(options_.reclaim_idle.count());
  MARKET_ASSIGN_OR_RETURN(
      redis::Reply reply,
      Read({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer_name, idle_ms,
            reclaim_cursor_, "COUNT", std::to_string(options_.batch_size)},
           redis_.options().command_timeout));
  MARKET_ASSIGN_OR_RETURN(ClaimedEntries claimed, EntriesFromClaimReply(reply));
  reclaim_cursor_ = claimed.next_cursor;
  // A scan of the whole pending list ended: the next one is due when entries could be idle again.
  reclaim_due_ = reclaim_cursor_ == "0-0" ? Clock::now() + options_.reclaim_idle / 2 : Clock::now();
  if (!claimed.entries.empty()) {
    log::Info("event consumer claimed idle entries", {{"stream", options_.stream},
                                                      {"group", options_.group},
                                                      {"count", claimed.entries.size()}});
  }
  return Settle(claimed.entries);
}

StatusOr<std::size_t> Consumer::ReadNew(bool block) {
  std::vector<std::string> command{"XREADGROUP",   "GROUP",
                                   options_.group, options_.consumer_name,
                                   "COUNT",        std::to_string(options_.batch_size)};
  auto timeout = redis_.options().command_timeout;
  // BLOCK 0 would wait forever.
  if (block && options_.block.count() > 0) {
    command.insert(command.end(), {"BLOCK", std::to_string(options_.block.count())});
    timeout += options_.block;
  }
  command.insert(command.end(), {"STREAMS", options_.stream, ">"});
  MARKET_ASSIGN_OR_RETURN(redis::Reply reply, Read(command, timeout));
  MARKET_ASSIGN_OR_RETURN(std::vector<StreamEntry> entries, EntriesFromReadReply(reply));
  return Settle(entries);
}

StatusOr<std::size_t> Consumer::Settle(const std::vector<StreamEntry>& entries) {
  std::vector<std::string> settled;
  Status stopped;
  for (const StreamEntry& entry : entries) {
    if (!entry.envelope.has_value()) {
      log::Warn("event entry was trimmed from the stream before it was applied",
                {{"stream", options_.stream}, {"group", options_.group}, {"entry_id", entry.id}});
      settled.push_back(entry.id);
      continue;
    }
    v1::EventEnvelope event;
    if (!event.ParseFromString(*entry.envelope) || event.event_id().empty()) {
      stopped = DeadLetter(entry, "", InvalidArgumentError("envelope: unreadable"), 1);
      if (!stopped.ok()) break;
      settled.push_back(entry.id);
      continue;
    }

    const StatusOr<bool> applied = Apply(event);
    if (applied.ok()) {
      attempts_.erase(entry.id);
      settled.push_back(entry.id);
      continue;
    }

    const Status& error = applied.status();
    pending_failed_ = true;
    if (IsTransient(error.code())) {
      log::Warn(
          "event not applied; a dependency is unavailable, retrying later",
          {{"group", options_.group}, {"event_id", event.event_id()}, {"code", CodeText(error)}});
      // The next entries would meet the same outage: leave them pending too.
      stopped = error;
      break;
    }
    const int attempts = ++attempts_[entry.id];
    log::Warn("event handler failed", {{"group", options_.group},
                                       {"event_id", event.event_id()},
                                       {"code", CodeText(error)},
                                       {"error", error.message()},
                                       {"attempt", attempts}});
    if (attempts < options_.max_attempts) continue;
    stopped = DeadLetter(entry, event.event_id(), error, attempts);
    if (!stopped.ok()) break;
    attempts_.erase(entry.id);
    settled.push_back(entry.id);
  }
  MARKET_RETURN_IF_ERROR(Acknowledge(settled));
  if (!stopped.ok()) return stopped;
  return settled.size();
}

StatusOr<bool> Consumer::Apply(const v1::EventEnvelope& event) {
  return pg::InTransaction(pool_, pg::TxOptions{}, [&](pqxx::work& tx) -> StatusOr<bool> {
    const pqxx::result recorded =
        tx.exec_params(std::string(kRecordProcessed), options_.group, event.event_id());
    if (recorded.affected_rows() == 0) return false;  // applied before: a redelivery
    MARKET_RETURN_IF_ERROR(handler_(tx, event));
    return true;
  });
}

Status Consumer::DeadLetter(const StreamEntry& entry, const std::string& event_id,
                            const Status& error, int attempts) {
  MARKET_RETURN_IF_ERROR(pg::InTransaction(pool_, pg::TxOptions{}, [&](pqxx::work& tx) -> Status {
    tx.exec_params(std::string(kRecordDead), options_.group, options_.stream, entry.id, event_id,
                   pqxx::binarystring(entry.envelope.value_or(std::string())), attempts,
                   CodeText(error), error.message());
    return OkStatus();
  }));
  log::Error("event moved to dead_events", {{"stream", options_.stream},
                                            {"group", options_.group},
                                            {"entry_id", entry.id},
                                            {"event_id", event_id},
                                            {"code", CodeText(error)},
                                            {"attempts", attempts}});
  return OkStatus();
}

Status Consumer::Acknowledge(const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty()) return OkStatus();
  std::vector<std::string> command{"XACK", options_.stream, options_.group};
  command.insert(command.end(), entry_ids.begin(), entry_ids.end());
  // A lost XACK only means a redelivery, which processed_events turns into a skip.
  auto acked = redis_.Command(command);
  return acked.ok() ? OkStatus() : acked.status();
}

void Consumer::Start() {
  // Not at once: entries left pending by an earlier run are settled first (retention.hpp).
  next_prune_ = Clock::now() + kPruneEvery;
  task_.Start();
}

void Consumer::Stop() { task_.Stop(); }

void Consumer::RequestStop() { task_.RequestStop(); }

StatusOr<Pruned> Consumer::PruneProcessed() {
  return PruneConsumed(pool_, options_.group, options_.retention);
}

PeriodicTask::Outcome Consumer::Step() {
  if (Clock::now() >= next_prune_) {
    next_prune_ = Clock::now() + kPruneEvery;
    auto pruned = PruneProcessed();
    if (!pruned.ok()) {
      log::Warn("event consumer cannot prune processed events",
                {{"group", options_.group}, {"code", CodeText(pruned.status())}});
    }
  }
  StatusOr<std::size_t> settled = InternalError("event consumer: step did not run");
  try {
    settled = PollOnce();
  } catch (const std::exception& error) {
    settled = InternalError("event consumer: unexpected " + log::ExceptionType(error));
  }
  if (!settled.ok() && !failing_) {
    log::Warn("event consumer cannot read; events wait in the stream",
              {{"stream", options_.stream},
               {"group", options_.group},
               {"code", CodeText(settled.status())}});
  } else if (settled.ok() && failing_) {
    log::Info("event consumer reading again",
              {{"stream", options_.stream}, {"group", options_.group}});
  }
  failing_ = !settled.ok();
  if (!settled.ok()) return PeriodicTask::Outcome::kFailed;
  // A read without BLOCK returns at once; do not spin on an empty stream. A blocking read has
  // already waited for news.
  if (*settled == 0 && options_.block.count() <= 0) return PeriodicTask::Outcome::kIdle;
  return PeriodicTask::Outcome::kMoreWork;
}

}  // namespace market::events
