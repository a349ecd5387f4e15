// Background: the work a service process does besides answering calls (the outbox relay, event
// consumers, timer workers), each one a PeriodicTask, owned and driven by the service host.
//
//   Status Start(ServiceParts& parts, connect::Router& router) override {
//     parts.background.AddConsumer({.stream = events::StreamName("bidding"), .group = "escrow"},
//                                  [this](pqxx::work& tx, const auto& event) { ... });
//     parts.background.Add({.name = "review-window", .interval = 1s},
//                          [this] { return CloseDueReviewWindows(); });
//     ...
//   }
//
// Work added before the host starts it waits until the server listens; work added later starts
// at once. Stop() tells every task to stop, then joins them newest first, each after its step
// under way returns (so the steps end together, not one after another).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "market/common/periodic_task.hpp"
#include "market/events/consumer.hpp"
#include "market/events/outbox_relay.hpp"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"

namespace market::runtime {

class Background {
 public:
  // `consumer_name` fills in ConsumerOptions::consumer_name when a consumer leaves it empty.
  Background(pg::Pool& pg, redis::Client& redis, std::string consumer_name);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  PeriodicTask& Add(PeriodicTaskOptions options, PeriodicTask::Step step);
  events::Consumer& AddConsumer(events::ConsumerOptions options, events::EventHandler handler);
  events::OutboxRelay& AddRelay(events::RelayOptions options);

  void Start();
  void Stop();
  // How many pieces of work are registered, for tests and start-up logs.
  std::size_t size() const;

 private:
  // One piece of work, whatever its kind, as the host drives it.
  struct Work {
    virtual ~Work() = default;
    virtual void Start() = 0;
    virtual void Stop() = 0;
    virtual void RequestStop() = 0;
  };
  template <typename T>
  struct Owned;

  template <typename T>
  T& Keep(std::unique_ptr<T> work);

  pg::Pool& pg_;
  redis::Client& redis_;
  const std::string consumer_name_;
  mutable std::mutex mutex_;
  bool started_ = false;
  std::vector<std::unique_ptr<Work>> work_;
};

}  // namespace market::runtime
