#include "market/redis/client.hpp"

#include <algorithm>
#include <utility>

#include "connection.hpp"

namespace market::redis {
namespace {

constexpr std::string_view kErrorPrefix = "redis: ";

// Error replies that say the server cannot serve anything right now, whatever the command: it
// is loading its data set at start-up, stuck in a script, or a replica without its primary.
bool IsNotServing(const Reply& reply) {
  if (reply.type != Reply::Type::kError) return false;
  for (std::string_view kind : {"LOADING", "BUSY", "MASTERDOWN"}) {
    if (reply.text.starts_with(kind) &&
        (reply.text.size() == kind.size() || reply.text[kind.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {}

// Connections are destroyed with idle_; none can be lent out when the Client goes away, since
// every call returns its connection before it returns.
Client::~Client() = default;

StatusOr<Reply> Client::Command(const std::vector<std::string>& args) {
  return Command(args, options_.command_timeout);
}

StatusOr<Reply> Client::Command(const std::vector<std::string>& args,
                                std::chrono::milliseconds timeout) {
  if (args.empty()) return InvalidArgumentError("redis command: must name a command");
  MARKET_ASSIGN_OR_RETURN(auto replies, Execute({args}, timeout));
  Reply reply = std::move(replies.front());
  if (reply.type == Reply::Type::kError) {
    return FailedPreconditionError(std::string(kErrorPrefix) + reply.text);
  }
  return reply;
}

StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  const bool any_empty = std::any_of(commands.begin(), commands.end(),
                                     [](const auto& command) { return command.empty(); });
  if (any_empty) return InvalidArgumentError("redis pipeline: every command must name a command");
  if (commands.empty()) return std::vector<Reply>{};
  return Execute(commands, options_.command_timeout);
}

bool Client::Healthy() const { return Clock::now().time_since_epoch().count() >= retry_at_.load(); }

StatusOr<std::vector<Reply>> Client::Execute(const std::vector<std::vector<std::string>>& commands,
                                             std::chrono::milliseconds timeout) {
  MARKET_RETURN_IF_ERROR(FailFastStatus());
  MARKET_ASSIGN_OR_RETURN(auto connection, Acquire(Clock::now() + timeout));
  auto replies = connection->Execute(commands, timeout);
  if (connection->broken()) {
    MarkFailed(connection->generation());
    connection.reset();
    Discard();
    return replies;
  }
  const std::uint64_t generation = connection->generation();
  Release(std::move(connection));
  if (replies.ok() && std::any_of(replies->begin(), replies->end(), IsNotServing)) {
    MarkFailed(generation);
    return UnavailableError("redis: the server is not serving commands yet");
  }
  return replies;
}

StatusOr<std::unique_ptr<Connection>> Client::Acquire(Clock::time_point deadline) {
  std::uint64_t generation = 0;
  {
    std::unique_lock lock(mutex_);
    const std::size_t limit = std::max<std::size_t>(options_.pool_size, 1);
    const bool free =
        released_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < limit; });
    if (!free) return UnavailableError("redis: every connection stayed busy for the timeout");
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
    generation = generation_;
  }
  // Another call may have failed while this one waited for a slot: honour its retry window.
  if (Status fail_fast = FailFastStatus(); !fail_fast.ok()) {
    Discard();
    return fail_fast;
  }
  auto opened = Connection::Open(options_, generation);
  if (!opened.ok()) {
    MarkFailed(generation);
    Discard();
    return opened.status();
  }
  return std::move(opened).value();
}

void Client::Release(std::unique_ptr<Connection> connection) {
  std::unique_lock lock(mutex_);
  if (connection->generation() != generation_) {
    --open_;
    lock.unlock();
    released_.notify_one();
    return;  // opened before a failure: Redis has most likely closed it
  }
  idle_.push_back(std::move(connection));
  lock.unlock();
  released_.notify_one();
}

void Client::Discard() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  released_.notify_one();
}

void Client::MarkFailed(std::uint64_t generation) {
  const auto retry_at = Clock::now() + options_.retry_after;
  retry_at_.store(retry_at.time_since_epoch().count());
  std::vector<std::unique_ptr<Connection>> stale;
  {
    std::lock_guard lock(mutex_);
    if (generation == generation_) {
      ++generation_;
      stale = std::move(idle_);
      idle_.clear();
      open_ -= stale.size();
    }
  }
  released_.notify_all();
}

Status Client::FailFastStatus() const {
  if (Healthy()) return OkStatus();
  return UnavailableError("redis: unavailable, retrying after a recent failure");
}

bool IsErrorReply(const Status& status, std::string_view kind) {
  if (status.code() != StatusCode::kFailedPrecondition) return false;
  std::string_view message = status.message();
  if (!message.starts_with(kErrorPrefix)) return false;
  message.remove_prefix(kErrorPrefix.size());
  if (!message.starts_with(kind)) return false;
  return message.size() == kind.size() || message[kind.size()] == ' ';
}

}  // namespace market::redis
