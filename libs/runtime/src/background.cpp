#include "market/runtime/background.hpp"

#include <ranges>
#include <utility>

namespace market::runtime {

template <typename T>
struct Background::Owned final : Work {
  explicit Owned(std::unique_ptr<T> owned) : object(std::move(owned)) {}
  void Start() override { object->Start(); }
  void Stop() override { object->Stop(); }
  void RequestStop() override { object->RequestStop(); }
  std::unique_ptr<T> object;
};

Background::Background(pg::Pool& pg, redis::Client& redis, std::string consumer_name)
    : pg_(pg), redis_(redis), consumer_name_(std::move(consumer_name)) {}

Background::~Background() { Stop(); }

template <typename T>
T& Background::Keep(std::unique_ptr<T> work) {
  T& kept = *work;
  std::lock_guard lock(mutex_);
  work_.push_back(std::make_unique<Owned<T>>(std::move(work)));
  if (started_) kept.Start();
  return kept;
}

PeriodicTask& Background::Add(PeriodicTaskOptions options, PeriodicTask::Step step) {
  return Keep(std::make_unique<PeriodicTask>(std::move(options), std::move(step)));
}

events::Consumer& Background::AddConsumer(events::ConsumerOptions options,
                                          events::EventHandler handler) {
  if (options.consumer_name.empty()) options.consumer_name = consumer_name_;
  return Keep(
      std::make_unique<events::Consumer>(pg_, redis_, std::move(options), std::move(handler)));
}

events::OutboxRelay& Background::AddRelay(events::RelayOptions options) {
  return Keep(std::make_unique<events::OutboxRelay>(pg_, redis_, std::move(options)));
}

void Background::Start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  for (const auto& work : work_) work->Start();
}

void Background::Stop() {
  std::vector<Work*> running;
  {
    std::lock_guard lock(mutex_);
    started_ = false;
    for (const auto& work : work_) running.push_back(work.get());
  }
  // Without the lock: a step under way may still Add() work, which must not deadlock the join.
  // Every task is told first, so their steps under way (a consumer's blocking read lasts up to
  // a second) end together rather than one after another; then each is joined, newest first.
  for (Work* work : running | std::views::reverse) work->RequestStop();
  for (Work* work : running | std::views::reverse) work->Stop();
}

std::size_t Background::size() const {
  std::lock_guard lock(mutex_);
  return work_.size();
}

}  // namespace market::runtime
