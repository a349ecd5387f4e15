// Connection: one blocking hiredis connection, owned; the unit a Client pools.
//
// Internal to market::redis. A connection that saw a transport failure is broken: its stream may
// hold half a reply, so it is never used again.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/redis/client.hpp"
#include "market/redis/reply.hpp"

namespace market::redis {

class Connection {
 public:
  struct ContextFree {
    void operator()(redisContext* context) const { redisFree(context); }
  };

  Connection(std::unique_ptr<redisContext, ContextFree> context, std::uint64_t generation)
      : context_(std::move(context)), generation_(generation) {}

  // Connects within options.connect_timeout and authenticates when a password is set;
  // unavailable when Redis cannot be reached or refuses the password.
  static StatusOr<std::unique_ptr<Connection>> Open(const Options& options,
                                                    std::uint64_t generation);

  // Writes every command, then reads one reply per command, each read and write bounded by
  // `timeout`. A transport failure is unavailable and breaks the connection.
  StatusOr<std::vector<Reply>> Execute(const std::vector<std::vector<std::string>>& commands,
                                       std::chrono::milliseconds timeout);

  bool broken() const { return broken_; }
  // The Client generation the connection was opened in.
  std::uint64_t generation() const { return generation_; }

 private:
  Status SetTimeout(std::chrono::milliseconds timeout);
  Status TransportFailure();

  std::unique_ptr<redisContext, ContextFree> context_;
  std::uint64_t generation_;
  std::chrono::milliseconds timeout_{0};
  bool broken_ = false;
};

}  // namespace market::redis
