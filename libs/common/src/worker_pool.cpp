#include "market/common/worker_pool.hpp"

#include <stdexcept>
#include <utility>

namespace market {

WorkerPool::WorkerPool(std::size_t threads, std::size_t max_queued)
    : thread_count_(threads), max_queued_(max_queued) {
  if (threads == 0) throw std::invalid_argument("WorkerPool needs at least one thread");
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::function<void()> task) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    // Threads not running a task take one each at once; only the excess waits, and that is
    // what is bounded. (Threads still starting up count as free: they look at the queue first.)
    if (stopping_ || tasks_.size() >= (thread_count_ - busy_) + max_queued_) return false;
    tasks_.push_back(std::move(task));
    wake = tasks_.size() <= idle_;
  }
  if (wake) wake_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::lock_guard join_lock(join_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void WorkerPool::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;  // stopping, and everything queued has run
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    ++busy_;
    lock.unlock();
    task();
    // The task's captures may own sizeable state; release it before taking the lock again.
    task = nullptr;
    lock.lock();
    --busy_;
  }
}

}  // namespace market
