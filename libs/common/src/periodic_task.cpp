#include "market/common/periodic_task.hpp"

#include <algorithm>
#include <utility>

#include "market/common/log.hpp"

namespace market {

PeriodicTask::PeriodicTask(PeriodicTaskOptions options, Step step)
    : options_(std::move(options)), step_(std::move(step)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void PeriodicTask::Stop() {
  RequestStop();
  std::thread finished;
  {
    std::lock_guard lock(mutex_);
    finished = std::move(thread_);
  }
  if (finished.joinable()) finished.join();
}

void PeriodicTask::RequestStop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void PeriodicTask::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

long long PeriodicTask::steps() const {
  std::lock_guard lock(mutex_);
  return steps_;
}

PeriodicTask::Outcome PeriodicTask::RunStep() {
  try {
    return step_();
  } catch (...) {
    log::Error("background step threw",
               {{"task", options_.name}, {"exception", log::CurrentExceptionType()}});
    return Outcome::kFailed;
  }
}

void PeriodicTask::Run() {
  auto backoff = options_.interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    const Outcome outcome = RunStep();
    lock.lock();
    ++steps_;
    std::chrono::milliseconds wait{0};
    switch (outcome) {
      case Outcome::kMoreWork:
        backoff = options_.interval;
        continue;
      case Outcome::kIdle:
        backoff = options_.interval;
        wait = options_.interval;
        break;
      case Outcome::kFailed:
        wait = backoff;
        backoff = std::min(backoff * 2, std::max(options_.max_backoff, options_.interval));
        break;
    }
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

}  // namespace market
