#include "readiness.hpp"

#include <chrono>
#include <string>

#include "market/common/log.hpp"

namespace market::runtime {
namespace {

// A short timeout: a hung Redis must not keep the other dependencies' state stale.
bool Answers(redis::Client& redis) {
  const auto pong = redis.Command({"PING"}, std::chrono::milliseconds(500));
  return pong.ok() && pong->type != redis::Reply::Type::kError;
}

// Stores `now` and logs a change, so an outage is one line when it starts and one when it ends.
void Track(std::atomic<bool>& state, bool now, const std::string& dependency) {
  if (state.exchange(now) != now) {
    log::Info(now ? "dependency reachable" : "dependency unreachable",
              {{"dependency", dependency}});
  }
}

}  // namespace

PeriodicTask::Outcome Readiness::Check() {
  Track(database_reachable_, pg_.Ping().ok(), "postgres");
  Track(redis_events_reachable_, Answers(events_), "redis_events");
  Track(redis_cache_reachable_, Answers(cache_), "redis_cache");
  return PeriodicTask::Outcome::kIdle;
}

}  // namespace market::runtime
