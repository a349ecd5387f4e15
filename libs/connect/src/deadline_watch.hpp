// DeadlineWatch: one thread that fires calls whose deadline passes before they finish.
//
// A handler cannot be interrupted, but the caller must still get deadline_exceeded on time
// (connectrpc.com/docs/protocol, "Timeout"). Each call with a deadline is armed here; whichever
// comes first, the call finishing or the deadline, answers, and the call disarms itself:
//
//   class Call : public DeadlineWatch::Timed { void OnDeadline() override { ... } };
//   watch.Arm(call, deadline);
//   ... call runs ...
//   watch.Disarm(*call);
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace market::connect::internal {

class DeadlineWatch {
 public:
  using Clock = std::chrono::steady_clock;

  class Timed {
   public:
    virtual ~Timed() = default;
    // Runs on the watch's thread when the deadline passes while armed.
    virtual void OnDeadline() = 0;

   private:
    friend class DeadlineWatch;
    // Where this call sits in the watch's schedule; guarded by the watch's mutex.
    std::optional<std::multimap<Clock::time_point, std::shared_ptr<Timed>>::iterator> slot_;
  };

  DeadlineWatch();
  // Stops the thread; calls still armed are dropped without firing.
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // Schedules `timed->OnDeadline()` at `deadline` and keeps `timed` alive until then or until
  // Disarm. A `timed` may be armed once.
  void Arm(std::shared_ptr<Timed> timed, Clock::time_point deadline);
  // Cancels a pending OnDeadline; harmless when it already fired or was never armed.
  void Disarm(Timed& timed);

  std::size_t armed() const;

 private:
  void Run();

  using Schedule = std::multimap<Clock::time_point, std::shared_ptr<Timed>>;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Schedule schedule_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace market::connect::internal
