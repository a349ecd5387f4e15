#include "rpc_call.hpp"

#include <utility>
#include <variant>

#include "hooks.hpp"
#include "market/common/base64url.hpp"
#include "market/common/log.hpp"
#include "market/common/text.hpp"
#include "protocol.hpp"
#include "responses.hpp"

namespace market::connect::internal {
namespace {

namespace beast_http = boost::beast::http;

}  // namespace

RpcCall::RpcCall(const RegisteredMethod& method, const CallEnvironment& env, http::Request request,
                 http::Responder respond, RequestInfo info,
                 std::chrono::steady_clock::time_point started)
    : method_(method),
      env_(env),
      request_(std::move(request)),
      respond_(std::move(respond)),
      info_(std::move(info)),
      started_(started) {}

void RpcCall::Run() {
  if (!answered_.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= info_.deadline) {
      // It waited in the queue past its deadline: the handler's work would be thrown away.
      Fail(DeadlineExceededError("the deadline passed before the call started"));
    } else {
      std::string out;
      const Status status = Invoke(out);
      if (status.ok()) {
        if (!answered_.exchange(true, std::memory_order_acq_rel)) {
          const ReplyTo to{request_.version(), info_.request_id};
          Send(MessageResponse(to, plan.response_content_type, std::move(out)));
          Observe(StatusCode::kOk);
        }
      } else {
        Fail(status);
      }
    }
  }
  Disarm();
}

void RpcCall::CheckAndRun(const Interceptor& interceptor, const Status& timeout) {
  // Answered at its deadline while it waited, or about to be: Run() finishes it without
  // spending the interceptor's work on it.
  if (answered_.load(std::memory_order_acquire) ||
      std::chrono::steady_clock::now() >= info_.deadline) {
    return Run();
  }
  if (interceptor) {
    if (auto answer = CallHook(interceptor, request_, info_)) {
      const StatusCode code = CodeOf(*answer);
      Answer(std::move(*answer), code);
      return Disarm();
    }
  }
  auto planned = PlanRpc(method_, request_, ReplyTo{request_.version(), info_.request_id});
  if (auto* refusal = std::get_if<Refusal>(&planned)) {
    Answer(std::move(refusal->response), refusal->code);
    return Disarm();
  }
  if (!timeout.ok()) {
    Fail(timeout);
    return Disarm();
  }
  plan = std::move(std::get<RpcPlan>(planned));
  Run();
}

void RpcCall::OnDeadline() {
  Fail(DeadlineExceededError("the call did not finish within its Connect-Timeout-Ms"));
}

void RpcCall::Fail(const Status& status) {
  if (answered_.exchange(true, std::memory_order_acq_rel)) return;
  const ReplyTo to{request_.version(), info_.request_id};
  Send(ErrorResponse(to, status));
  Observe(status.code());
}

void RpcCall::Answer(http::Response response, StatusCode code) {
  if (answered_.exchange(true, std::memory_order_acq_rel)) return;
  Send(std::move(response));
  Observe(code);
}

void RpcCall::Send(http::Response response) {
  Decorate(*env_.decorator, request_, response, started_);
  respond_(std::move(response));
}

void RpcCall::Observe(StatusCode code) const {
  if (!*env_.observer) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  (*env_.observer)(method_.procedure, code, elapsed.count());
}

void RpcCall::Disarm() {
  if (has_deadline()) env_.watch->Disarm(*this);
}

Status RpcCall::Invoke(std::string& out) {
  std::string_view payload = request_.body();
  std::string decoded;
  if (plan.from_query) {
    payload = plan.query_message;
    if (plan.query_base64) {
      // connectrpc.com/docs/protocol: URL-safe base64, with or without padding.
      auto bytes = Base64UrlDecode(plan.query_message, Base64Decoding::kLenient);
      if (!bytes) return InvalidArgumentError("message: not valid URL-safe base64");
      decoded = std::move(*bytes);
      payload = decoded;
    }
  }
  CallContext ctx;
  FillContext(ctx);
  log::RequestIdScope log_scope(info_.request_id);
  try {
    // Before decoding: a caller who may not call the method gets nothing parsed on its behalf.
    MARKET_RETURN_IF_ERROR(Authorize(method_.access, method_.verifier, ctx));
    return method_.invoker->Invoke(ctx, plan.codec, payload, out);
  } catch (...) {
    // Only the type is logged: an exception's text may carry SQL or a secret.
    log::Error("handler threw",
               {{"procedure", method_.procedure}, {"exception", log::CurrentExceptionType()}});
  }
  return InternalError("the server failed to process the call");
}

void RpcCall::FillContext(CallContext& ctx) const {
  ctx.deadline = info_.deadline;
  ctx.procedure = method_.procedure;
  ctx.request_id = info_.request_id;
  ctx.peer = info_.peer;
  for (const auto& field : request_) {
    const std::string_view value = field.value();
    auto [it, inserted] = ctx.headers.try_emplace(text::ToLowerAscii(field.name_string()), value);
    if (!inserted) {
      // RFC 9110 section 5.3: repeated fields are one comma-separated list.
      it->second.append(", ").append(value);
    }
  }
  if (const auto it = request_.find(beast_http::field::authorization); it != request_.end()) {
    ctx.authorization = it->value();
  }
}

}  // namespace market::connect::internal
