// RpcCall: one routed RPC from the moment its headers are accepted until it is answered.
//
// The network thread builds it and queues Run() on the worker pool; a call with a deadline is
// also armed on the DeadlineWatch. Whichever finishes first, the handler or the deadline,
// answers; the other's result is dropped, so the caller always gets exactly one response:
//
//   auto call = std::make_shared<RpcCall>(method, env, std::move(request), std::move(respond),
//                                         std::move(info), started_at);
//   call->plan = std::move(plan);   // from PlanRpc
//   if (call->has_deadline()) watch.Arm(call, call->info().deadline);
//   if (!pool.TrySubmit([call] { call->Run(); })) call->Fail(UnavailableError("..."));
//
// A server with hooks queues CheckAndRun() instead, which runs the interceptor and PlanRpc on
// the worker first.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "deadline_watch.hpp"
#include "market/common/status.hpp"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"
#include "market/http/server.hpp"
#include "rpc_plan.hpp"

namespace market::connect::internal {

// What calls share with the server that routed them; outlives every call.
struct CallEnvironment {
  const CallObserver* observer = nullptr;        // may hold an empty function
  const ResponseDecorator* decorator = nullptr;  // may hold an empty function
  DeadlineWatch* watch = nullptr;
};

class RpcCall final : public DeadlineWatch::Timed {
 public:
  // `info.deadline` is the call's deadline, fixed from here on.
  RpcCall(const RegisteredMethod& method, const CallEnvironment& env, http::Request request,
          http::Responder respond, RequestInfo info, std::chrono::steady_clock::time_point started);

  // Set before Run(), by the dispatcher or by CheckAndRun().
  RpcPlan plan;

  const http::Request& request() const { return request_; }
  const RequestInfo& info() const { return info_; }
  bool has_deadline() const {
    return info_.deadline != std::chrono::steady_clock::time_point::max();
  }

  // Decodes, runs the handler, answers. Worker thread.
  void Run();
  // Runs `interceptor` (when set), then PlanRpc, then the malformed-timeout refusal `timeout`
  // (when not OK), then Run(): the whole call in one worker task. Worker thread.
  void CheckAndRun(const Interceptor& interceptor, const Status& timeout);
  // Answers deadline_exceeded unless already answered. DeadlineWatch thread.
  void OnDeadline() override;
  // Answers `status` (not OK) unless already answered; any thread.
  void Fail(const Status& status);
  // Answers `response`, reported to the observer as `code`, unless already answered; any thread.
  void Answer(http::Response response, StatusCode code);

 private:
  Status Invoke(std::string& out);
  void FillContext(CallContext& ctx) const;
  // Decorates and sends; called once, by whoever set answered_.
  void Send(http::Response response);
  // Reports the answered call to the observer.
  void Observe(StatusCode code) const;
  void Disarm();

  const RegisteredMethod& method_;
  CallEnvironment env_;
  http::Request request_;
  http::Responder respond_;
  RequestInfo info_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> answered_{false};
};

}  // namespace market::connect::internal
