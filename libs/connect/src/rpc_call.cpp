#include "rpc_call.hpp"

#include <exception>
#include <utility>

#include "market/common/log.hpp"
#include "protocol.hpp"
#include "responses.hpp"

namespace market::connect::internal {
namespace {

namespace beast_http = boost::beast::http;

// Header names are ASCII (RFC 9110 section 5.1); no locale is involved.
std::string LowerCase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace

RpcCall::RpcCall(const RegisteredMethod& method, const CallEnvironment& env, http::Request request,
                 http::Responder respond, std::string request_id,
                 std::chrono::steady_clock::time_point started)
    : method_(method),
      env_(env),
      request_(std::move(request)),
      respond_(std::move(respond)),
      request_id_(std::move(request_id)),
      started_(started) {}

void RpcCall::Run() {
  if (!answered_.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      // It waited in the queue past its deadline: the handler's work would be thrown away.
      Fail(DeadlineExceededError("the deadline passed before the call started"));
    } else {
      std::string out;
      const Status status = Invoke(out);
      if (status.ok()) {
        if (!answered_.exchange(true, std::memory_order_acq_rel)) {
          const ReplyTo to{request_.version(), request_id_};
          respond_(MessageResponse(to, response_content_type, std::move(out)));
          Observe(StatusCode::kOk);
        }
      } else {
        Fail(status);
      }
    }
  }
  if (has_deadline()) env_.watch->Disarm(*this);
}

void RpcCall::OnDeadline() {
  Fail(DeadlineExceededError("the call did not finish within its Connect-Timeout-Ms"));
}

void RpcCall::Fail(const Status& status) {
  if (answered_.exchange(true, std::memory_order_acq_rel)) return;
  const ReplyTo to{request_.version(), request_id_};
  respond_(ErrorResponse(to, status));
  Observe(status.code());
}

void RpcCall::Observe(StatusCode code) const {
  if (!*env_.observer) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  (*env_.observer)(method_.procedure, code, elapsed.count());
}

Status RpcCall::Invoke(std::string& out) {
  std::string_view payload = request_.body();
  std::string decoded;
  if (from_query) {
    payload = query_message;
    if (query_base64) {
      auto bytes = DecodeBase64Url(query_message);
      if (!bytes) return InvalidArgumentError("message: not valid URL-safe base64");
      decoded = std::move(*bytes);
      payload = decoded;
    }
  }
  CallContext ctx;
  FillContext(ctx);
  log::RequestIdScope log_scope(request_id_);
  try {
    return method_.invoker->Invoke(ctx, codec, payload, out);
  } catch (const std::exception& error) {
    // The text may describe internals; it stays in the server's log.
    log::Error("handler threw", {{"procedure", method_.procedure}, {"error", error.what()}});
  } catch (...) {
    log::Error("handler threw",
               {{"procedure", method_.procedure}, {"error", "not a std::exception"}});
  }
  return InternalError("the server failed to process the call");
}

void RpcCall::FillContext(CallContext& ctx) const {
  ctx.deadline = deadline;
  ctx.procedure = method_.procedure;
  ctx.request_id = request_id_;
  ctx.peer = peer;
  for (const auto& field : request_) {
    const std::string_view value = field.value();
    auto [it, inserted] = ctx.headers.try_emplace(LowerCase(field.name_string()), value);
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
