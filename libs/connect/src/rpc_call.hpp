// RpcCall: one routed RPC from the moment its headers are accepted until it is answered.
//
// The network thread builds it and queues Run() on the worker pool; a call with a deadline is
// also armed on the DeadlineWatch. Whichever finishes first, the handler or the deadline,
// answers; the other's result is dropped, so the caller always gets exactly one response:
//
//   auto call = std::make_shared<RpcCall>(method, env, std::move(request), std::move(respond));
//   call->codec = Codec::kJson; ...
//   if (call->has_deadline()) watch.Arm(call, call->deadline);
//   if (!pool.TrySubmit([call] { call->Run(); })) call->Fail(UnavailableError("..."));
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "deadline_watch.hpp"
#include "market/common/status.hpp"
#include "market/connect/codec.hpp"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"
#include "market/http/server.hpp"

namespace market::connect::internal {

// What calls share with the server that routed them; outlives every call.
struct CallEnvironment {
  const CallObserver* observer = nullptr;  // may hold an empty function
  DeadlineWatch* watch = nullptr;
};

class RpcCall final : public DeadlineWatch::Timed {
 public:
  RpcCall(const RegisteredMethod& method, const CallEnvironment& env, http::Request request,
          http::Responder respond, std::string request_id,
          std::chrono::steady_clock::time_point started);

  // Set by the dispatcher before the call is queued.
  Codec codec = Codec::kProto;
  std::string_view response_content_type;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string peer;
  // A GET call's message, percent-decoded; POST calls read the request body instead.
  bool from_query = false;
  bool query_base64 = false;
  std::string query_message;

  bool has_deadline() const { return deadline != std::chrono::steady_clock::time_point::max(); }

  // Decodes, runs the handler, answers. Worker thread.
  void Run();
  // Answers deadline_exceeded unless already answered. DeadlineWatch thread.
  void OnDeadline() override;
  // Answers `status` (not OK) unless already answered; any thread.
  void Fail(const Status& status);

 private:
  Status Invoke(std::string& out);
  void FillContext(CallContext& ctx) const;
  // Reports the answered call to the observer.
  void Observe(StatusCode code) const;

  const RegisteredMethod& method_;
  CallEnvironment env_;
  http::Request request_;
  http::Responder respond_;
  std::string request_id_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> answered_{false};
};

}  // namespace market::connect::internal
