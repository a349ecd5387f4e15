// PeriodicTask: one piece of background work (the outbox relay, an event consumer, a timer
// worker) run step by step on its own thread until Stop().
//
//   market::PeriodicTask task({.name = "invoice-closer", .interval = std::chrono::seconds(1)},
//                             [&] { return closer.CloseDueWeeks(); });
//   task.Start();   // Stop() or the destructor ends it, after the step under way
//
// The step says what it found, and that decides when it runs again:
//   - kMoreWork: at once (a full batch came, there is probably more);
//   - kIdle: after `interval`;
//   - kFailed: after a back-off that doubles from `interval` up to `max_backoff`, so a dead
//     dependency is not hammered; the first success resets it.
// A step that throws counts as kFailed; the exception's type is logged (never its message,
// which may carry data). Steps never overlap.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace market {

struct PeriodicTaskOptions {
  std::string name;
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds max_backoff{30000};
};

class PeriodicTask {
 public:
  enum class Outcome { kMoreWork, kIdle, kFailed };
  using Step = std::function<Outcome()>;

  PeriodicTask(PeriodicTaskOptions options, Step step);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Starts the thread; the first step runs at once. Idempotent while running.
  void Start();
  // Ends the wait between steps and joins the thread once the step under way returns.
  // Idempotent; Start() may run it again afterwards.
  void Stop();
  // Stop() without the join: the thread ends after the step under way, and a later Stop()
  // joins it. Lets an owner of several tasks wait for all their steps at once, not in turn.
  void RequestStop();
  // Runs the next step now instead of after the wait (e.g. a writer just enqueued work).
  void Wake();

  const std::string& name() const { return options_.name; }
  // Steps finished since construction, for tests and metrics.
  long long steps() const;

 private:
  void Run();
  Outcome RunStep();

  const PeriodicTaskOptions options_;
  const Step step_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  long long steps_ = 0;
  std::thread thread_;
};

}  // namespace market
