#include "connection.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <utility>

namespace market::redis {
namespace {

struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// hiredis writes with write(2): on a socket Redis has closed that raises SIGPIPE, whose default
// action kills the process. Blocking it on this thread turns it into EPIPE; a SIGPIPE it left
// pending is consumed so it cannot fire once the mask is restored.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait{0, 0};
        sigtimedwait(&pipe_, nullptr, &no_wait);
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

timeval ToTimeval(std::chrono::milliseconds timeout) {
  // A zero socket timeout means "wait forever"; every call must have a bound.
  const auto millis = std::max<long long>(timeout.count(), 1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(millis / 1000);
  tv.tv_usec = static_cast<suseconds_t>((millis % 1000) * 1000);
  return tv;
}

Reply Copy(const redisReply& raw) {
  Reply reply;
  switch (raw.type) {
    case REDIS_REPLY_STRING:
      reply.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      reply.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      reply.type = Reply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = Reply::Type::kInteger;
      reply.integer = raw.integer;
      return reply;
    case REDIS_REPLY_ARRAY:
      reply.type = Reply::Type::kArray;
      reply.elements.reserve(raw.elements);
      for (std::size_t i = 0; i < raw.elements; ++i)
        reply.elements.push_back(Copy(*raw.element[i]));
      return reply;
    default:
      reply.type = Reply::Type::kNil;
      return reply;
  }
  if (raw.str != nullptr) reply.text.assign(raw.str, raw.len);
  return reply;
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> Connection::Open(const Options& options,
                                                       std::uint64_t generation) {
  std::unique_ptr<redisContext, ContextFree> context(redisConnectWithTimeout(
      options.host.c_str(), options.port, ToTimeval(options.connect_timeout)));
  if (context == nullptr) return UnavailableError("redis: cannot allocate a connection");
  if (context->err != 0) {
    return UnavailableError("redis: cannot connect to " + options.host + ":" +
                            std::to_string(options.port) + ": " + context->errstr);
  }
  auto connection = std::make_unique<Connection>(std::move(context), generation);
  if (!options.password.empty()) {
    auto auth = connection->Execute({{"AUTH", options.password}}, options.command_timeout);
    if (!auth.ok()) return auth.status();
    if (auth->front().type == Reply::Type::kError) {
      return UnavailableError("redis: the server refused the configured password");
    }
  }
  return connection;
}

StatusOr<std::vector<Reply>> Connection::Execute(
    const std::vector<std::vector<std::string>>& commands, std::chrono::milliseconds timeout) {
  if (broken_) return UnavailableError("redis: connection is broken");
  SigpipeGuard sigpipe_guard;
  MARKET_RETURN_IF_ERROR(SetTimeout(timeout));

  std::vector<const char*> argv;
  std::vector<std::size_t> argv_len;
  for (const auto& command : commands) {
    argv.clear();
    argv_len.clear();
    for (const auto& arg : command) {
      argv.push_back(arg.data());
      argv_len.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                               argv_len.data()) != REDIS_OK) {
      return TransportFailure();
    }
  }

  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
      return TransportFailure();
    }
    ReplyPtr owned(static_cast<redisReply*>(raw));
    replies.push_back(Copy(*owned));
  }
  return replies;
}

Status Connection::SetTimeout(std::chrono::milliseconds timeout) {
  if (timeout == timeout_) return OkStatus();
  if (redisSetTimeout(context_.get(), ToTimeval(timeout)) != REDIS_OK) return TransportFailure();
  timeout_ = timeout;
  return OkStatus();
}

Status Connection::TransportFailure() {
  const bool timed_out = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
  broken_ = true;
  if (timed_out) return UnavailableError("redis: no reply within the timeout");
  if (context_->err == 0) return UnavailableError("redis: connection failed");
  return UnavailableError(std::string("redis: connection failed: ") + context_->errstr);
}

}  // namespace market::redis
