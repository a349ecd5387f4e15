#include "deadline_watch.hpp"

#include <utility>
#include <vector>

namespace market::connect::internal {

DeadlineWatch::DeadlineWatch() : thread_([this] { Run(); }) {}

DeadlineWatch::~DeadlineWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  // Entries still armed own their calls; release them outside the lock, after the thread ends.
  Schedule remaining;
  {
    std::lock_guard lock(mutex_);
    for (auto& [deadline, timed] : schedule_) timed->slot_.reset();
    remaining.swap(schedule_);
  }
}

void DeadlineWatch::Arm(std::shared_ptr<Timed> timed, Clock::time_point deadline) {
  Timed& target = *timed;
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    const auto slot = schedule_.emplace(deadline, std::move(timed));
    target.slot_ = slot;
    earliest = slot == schedule_.begin();
  }
  // Only a new earliest deadline changes how long the thread must sleep.
  if (earliest) changed_.notify_one();
}

void DeadlineWatch::Disarm(Timed& timed) {
  std::shared_ptr<Timed> released;
  std::lock_guard lock(mutex_);
  if (!timed.slot_) return;
  // The schedule may hold the last reference: let it go after the lock is released.
  released = std::move((*timed.slot_)->second);
  schedule_.erase(*timed.slot_);
  timed.slot_.reset();
}

std::size_t DeadlineWatch::armed() const {
  std::lock_guard lock(mutex_);
  return schedule_.size();
}

void DeadlineWatch::Run() {
  std::vector<std::shared_ptr<Timed>> due;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (schedule_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto next = schedule_.begin()->first;
    if (Clock::now() < next) {
      changed_.wait_until(lock, next);
      continue;
    }
    const auto now = Clock::now();
    while (!schedule_.empty() && schedule_.begin()->first <= now) {
      auto node = schedule_.extract(schedule_.begin());
      node.mapped()->slot_.reset();
      due.push_back(std::move(node.mapped()));
    }
    lock.unlock();
    for (auto& timed : due) timed->OnDeadline();
    due.clear();
    lock.lock();
  }
}

}  // namespace market::connect::internal
