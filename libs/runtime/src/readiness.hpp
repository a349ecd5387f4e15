// Readiness: whether this process should get traffic, kept current by a background check
// instead of probed per call, so health checks and load balancers cost nothing on the hot path.
//
// Every `interval` (one second by default) the host's check pings PostgreSQL and Redis; the
// health RPC and /readyz read the result. Ready means not draining and the database answered the
// last check. Redis being down does not make a service unready: it serves from PostgreSQL
// meanwhile (events wait in the outbox), and the state is reported for operators.
#pragma once

#include <atomic>

#include "market/common/periodic_task.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"

namespace market::runtime {

class Readiness {
 public:
  Readiness(pg::Pool& pg, redis::Client& redis) : pg_(pg), redis_(redis) {}

  // One check of both dependencies; the host runs it as a PeriodicTask step (and once before
  // serving, so the first answers are already true).
  PeriodicTask::Outcome Check();
  void SetDraining() { draining_ = true; }

  bool draining() const { return draining_; }
  bool database_reachable() const { return database_reachable_; }
  bool redis_reachable() const { return redis_reachable_; }
  bool ready() const { return !draining_ && database_reachable_; }

 private:
  pg::Pool& pg_;
  redis::Client& redis_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> database_reachable_{false};
  std::atomic<bool> redis_reachable_{false};
};

}  // namespace market::runtime
