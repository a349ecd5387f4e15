#include "readiness.hpp"

#include <chrono>

#include "market/common/log.hpp"

namespace market::runtime {

PeriodicTask::Outcome Readiness::Check() {
  const bool database = pg_.Ping().ok();
  // A short timeout: a hung Redis must not keep the database's state stale.
  const auto pong = redis_.Command({"PING"}, std::chrono::milliseconds(500));
  const bool redis = pong.ok() && pong->type != redis::Reply::Type::kError;
  if (database != database_reachable_.exchange(database)) {
    log::Info(database ? "database reachable" : "database unreachable", {});
  }
  if (redis != redis_reachable_.exchange(redis)) {
    log::Info(redis ? "redis reachable" : "redis unreachable", {});
  }
  return PeriodicTask::Outcome::kIdle;
}

}  // namespace market::runtime
