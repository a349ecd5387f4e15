// WorkerPool: a fixed set of threads running queued tasks, with a bounded queue.
//
// Blocking work (database calls, RPC handlers) runs here so network threads never block. The
// queue is bounded so that overload turns into a fast refusal the caller can answer with
// `unavailable`, instead of an ever-growing backlog whose latency nobody wants:
//
//   market::WorkerPool pool(/*threads=*/4, /*max_queued=*/1024);
//   if (!pool.TrySubmit([call] { call->Run(); })) {
//     respond(market::UnavailableError("server is overloaded; retry later"));
//   }
//   ...
//   pool.Shutdown();  // queued tasks still run; then the threads join
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace market {

class WorkerPool {
 public:
  // `threads` must be at least 1; std::invalid_argument otherwise. `max_queued` bounds the tasks
  // waiting for a thread (not those running); 0 means a task is accepted only when a thread is
  // free.
  WorkerPool(std::size_t threads, std::size_t max_queued);
  // Finishes the queued work and joins, like Shutdown().
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the queue is full or the pool is shut down, in which case the task
  // is dropped without running. A task that throws is a bug: the exception ends the process.
  bool TrySubmit(std::function<void()> task);

  // Stops taking work, runs everything already queued, joins the threads. Idempotent; must not be
  // called from a task.
  void Shutdown();

  // Tasks waiting for a thread.
  std::size_t queued() const;
  // Tasks running right now.
  std::size_t busy() const;
  std::size_t threads() const { return thread_count_; }

 private:
  void Run();

  const std::size_t thread_count_;
  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::size_t busy_ = 0;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::mutex join_mutex_;
};

}  // namespace market
