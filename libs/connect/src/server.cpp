#include "market/connect/server.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <variant>

#include "deadline_watch.hpp"
#include "hooks.hpp"
#include "http_routes.hpp"
#include "market/common/log.hpp"
#include "market/common/worker_pool.hpp"
#include "protocol.hpp"
#include "responses.hpp"
#include "rpc_call.hpp"
#include "rpc_plan.hpp"

namespace market::connect {
namespace {

using Clock = std::chrono::steady_clock;
using internal::ErrorResponse;
using internal::ReplyTo;

constexpr std::size_t kMaxRequestIdLength = 128;
constexpr std::string_view kOverloaded = "the server is overloaded; retry later";

// A caller's X-Request-Id is kept when it is short printable ASCII, so it can go into logs and
// headers as it is; anything else is replaced by a fresh id.
std::string RequestIdFor(const http::Request& request) {
  const auto it = request.find("X-Request-Id");
  if (it != request.end()) {
    const std::string_view id = it->value();
    bool usable = !id.empty() && id.size() <= kMaxRequestIdLength;
    for (const char c : id) usable = usable && c > ' ' && c < 0x7f;
    if (usable) return std::string(id);
  }
  return log::NewRequestId();
}

// A request for an HTTP route or an unknown path on a server with hooks: everything the worker
// needs to serve it.
struct HookedRequest {
  http::Request request;
  http::Responder respond;
  RequestInfo info;
  Status timeout;  // invalid_argument for a malformed Connect-Timeout-Ms
  Clock::time_point started_at;
};

}  // namespace

struct Server::State {
  State(ServerOptions server_options, std::shared_ptr<const Router> routes)
      : options(std::move(server_options)),
        router(std::move(routes)),
        pool(options.worker_threads, options.max_queued_calls) {
    env.observer = &observer;
    env.decorator = &hooks.decorator;
    env.watch = &watch;
    http = std::make_unique<http::Server>(
        options.http,
        [this](http::Request request, const http::RequestInfo& info, http::Responder respond) {
          Dispatch(std::move(request), info, std::move(respond));
        },
        [this](http::ProtocolFailure failure, const http::Request& header) {
          return OnProtocolFailure(failure, header);
        });
  }

  // Network thread.
  void Dispatch(http::Request request, const http::RequestInfo& peer, http::Responder respond);
  void DispatchRpc(const RegisteredMethod& method, http::Request request, http::Responder respond,
                   RequestInfo info, Clock::time_point started_at);
  void DispatchHttpRoute(const internal::RoutesAtPath& at_path, http::Request request,
                         http::Responder respond, std::string request_id);
  void DispatchHooked(std::string_view path, http::Request request, http::Responder respond,
                      RequestInfo info, Clock::time_point started_at);
  http::Response OnProtocolFailure(http::ProtocolFailure failure, const http::Request& header);
  // Worker thread.
  void ServeHooked(const std::shared_ptr<HookedRequest>& hooked);
  // Any thread.
  void SendHooked(HookedRequest& hooked, http::Response response);
  http::Response UnknownPathResponse(std::string_view path, const ReplyTo& to) const;
  void Observe(const RegisteredMethod& method, StatusCode code, Clock::time_point started) const;
  void RequireNotStarted(std::string_view what);

  ServerOptions options;
  std::shared_ptr<const Router> router;
  internal::HttpRoutes routes;
  CallObserver observer;
  internal::Hooks hooks;
  // Set by Start(): whether requests take the hooked path.
  bool hooked = false;
  internal::DeadlineWatch watch;
  internal::CallEnvironment env;
  WorkerPool pool;
  std::unique_ptr<http::Server> http;
  std::mutex lifecycle_mutex;
  bool started = false;
  bool stopped = false;
};

void Server::State::Dispatch(http::Request request, const http::RequestInfo& peer,
                             http::Responder respond) {
  const Clock::time_point started_at = Clock::now();
  RequestInfo info{peer.peer, RequestIdFor(request)};
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));

  if (hooked) {
    DispatchHooked(path, std::move(request), std::move(respond), std::move(info), started_at);
    return;
  }
  if (const RegisteredMethod* method = router->Find(path)) {
    DispatchRpc(*method, std::move(request), std::move(respond), std::move(info), started_at);
    return;
  }
  if (const internal::RoutesAtPath* at_path = routes.Find(path)) {
    DispatchHttpRoute(*at_path, std::move(request), std::move(respond), std::move(info.request_id));
    return;
  }
  respond(UnknownPathResponse(path, ReplyTo{request.version(), info.request_id}));
}

void Server::State::DispatchRpc(const RegisteredMethod& method, http::Request request,
                                http::Responder respond, RequestInfo info,
                                Clock::time_point started_at) {
  const ReplyTo to{request.version(), info.request_id};
  auto planned = internal::PlanRpc(method, request, to);
  if (auto* refusal = std::get_if<internal::Refusal>(&planned)) {
    respond(std::move(refusal->response));
    Observe(method, refusal->code, started_at);
    return;
  }
  const auto deadline = internal::DeadlineFor(request, started_at);
  if (!deadline.ok()) {
    respond(ErrorResponse(to, deadline.status()));
    Observe(method, deadline.status().code(), started_at);
    return;
  }
  info.deadline = *deadline;

  auto call = std::make_shared<internal::RpcCall>(method, env, std::move(request),
                                                  std::move(respond), std::move(info), started_at);
  call->plan = std::move(std::get<internal::RpcPlan>(planned));
  if (method.runs_inline) {
    call->Run();
    return;
  }
  // Armed before it is queued, so the deadline also covers the wait for a worker.
  if (call->has_deadline()) watch.Arm(call, call->info().deadline);
  if (!pool.TrySubmit([call] { call->Run(); })) {
    call->Fail(UnavailableError(std::string(kOverloaded)));
    if (call->has_deadline()) watch.Disarm(*call);
  }
}

void Server::State::DispatchHttpRoute(const internal::RoutesAtPath& at_path, http::Request request,
                                      http::Responder respond, std::string request_id) {
  const ReplyTo to{request.version(), request_id};
  const internal::Route* route = internal::FindVerb(at_path, request.method_string());
  if (route == nullptr) {
    respond(internal::WrongVerbResponse(at_path, request, to));
    return;
  }
  auto task = [route, request = std::move(request), respond, request_id]() mutable {
    respond(internal::RunRoute(*route, request, request_id));
  };
  if (!pool.TrySubmit(std::move(task))) {
    respond(ErrorResponse(to, UnavailableError(std::string(kOverloaded))));
  }
}

// With hooks, the network thread only reads the deadline and queues one task; the interceptor,
// the checks and the answer all happen on the worker.
void Server::State::DispatchHooked(std::string_view path, http::Request request,
                                   http::Responder respond, RequestInfo info,
                                   Clock::time_point started_at) {
  auto deadline = internal::DeadlineFor(request, started_at);
  Status timeout = deadline.ok() ? OkStatus() : deadline.status();
  if (deadline.ok()) info.deadline = *deadline;

  if (const RegisteredMethod* method = router->Find(path)) {
    auto call = std::make_shared<internal::RpcCall>(
        *method, env, std::move(request), std::move(respond), std::move(info), started_at);
    if (call->has_deadline()) watch.Arm(call, call->info().deadline);
    if (!pool.TrySubmit([this, call, timeout = std::move(timeout)] {
          call->CheckAndRun(hooks.interceptor, timeout);
        })) {
      call->Fail(UnavailableError(std::string(kOverloaded)));
      if (call->has_deadline()) watch.Disarm(*call);
    }
    return;
  }
  auto hooked_request = std::make_shared<HookedRequest>(HookedRequest{
      std::move(request), std::move(respond), std::move(info), std::move(timeout), started_at});
  if (!pool.TrySubmit([this, hooked_request] { ServeHooked(hooked_request); })) {
    const ReplyTo to{hooked_request->request.version(), hooked_request->info.request_id};
    SendHooked(*hooked_request, ErrorResponse(to, UnavailableError(std::string(kOverloaded))));
  }
}

void Server::State::ServeHooked(const std::shared_ptr<HookedRequest>& hooked_request) {
  HookedRequest& hooked = *hooked_request;
  const http::Request& request = hooked.request;
  if (hooks.interceptor) {
    if (auto answer = internal::CallHook(hooks.interceptor, request, hooked.info)) {
      return SendHooked(hooked, std::move(*answer));
    }
  }
  const std::string_view path = internal::PathOf(request);
  const ReplyTo to{request.version(), hooked.info.request_id};
  if (const internal::RoutesAtPath* at_path = routes.Find(path)) {
    const internal::Route* route = internal::FindVerb(*at_path, request.method_string());
    return SendHooked(hooked, route ? internal::RunRoute(*route, request, hooked.info.request_id)
                                    : internal::WrongVerbResponse(*at_path, request, to));
  }
  if (hooks.fallback) {
    // The same rule as for RPCs, so that a proxied call is refused as a served one would be.
    if (!hooked.timeout.ok()) return SendHooked(hooked, ErrorResponse(to, hooked.timeout));
    // The reply keeps the request alive: the decorator reads it when the answer comes.
    auto send = [this, hooked_request](http::Response response) {
      SendHooked(*hooked_request, std::move(response));
    };
    if (internal::CallFallback(hooks.fallback, request, hooked.info, std::move(send))) return;
  }
  SendHooked(hooked, UnknownPathResponse(path, to));
}

void Server::State::SendHooked(HookedRequest& hooked, http::Response response) {
  internal::Decorate(hooks.decorator, hooked.request, response, hooked.started_at);
  hooked.respond(std::move(response));
}

http::Response Server::State::UnknownPathResponse(std::string_view path, const ReplyTo& to) const {
  if (router->IsDeclaredButUnimplemented(path)) {
    return ErrorResponse(to, UnimplementedError(std::string(path) + " is not implemented"));
  }
  // connectrpc.com/docs/protocol: an unknown procedure is 404, which clients read as
  // unimplemented; the body says the same for those that read it.
  return ErrorResponse(to, 404, UnimplementedError("no procedure at " + std::string(path)));
}

http::Response Server::State::OnProtocolFailure(http::ProtocolFailure failure,
                                                const http::Request& header) {
  const std::string request_id = RequestIdFor(header);
  const ReplyTo to{header.version(), request_id};
  http::Response response;
  switch (failure) {
    case http::ProtocolFailure::kBodyTooLarge:
      response = ErrorResponse(
          to, ResourceExhaustedError("the request body exceeds " +
                                     std::to_string(options.http.max_body_bytes) + " bytes"));
      break;
    case http::ProtocolFailure::kHeaderTooLarge:
      response = ErrorResponse(
          to, ResourceExhaustedError("the request header exceeds " +
                                     std::to_string(options.http.max_header_bytes) + " bytes"));
      break;
    case http::ProtocolFailure::kMalformedRequest:
      response = ErrorResponse(to, InvalidArgumentError("malformed HTTP request"));
      break;
  }
  internal::Decorate(hooks.decorator, header, response, Clock::time_point{});
  return response;
}

void Server::State::Observe(const RegisteredMethod& method, StatusCode code,
                            Clock::time_point started_at) const {
  if (!observer) return;
  const std::chrono::duration<double> elapsed = Clock::now() - started_at;
  observer(method.procedure, code, elapsed.count());
}

void Server::State::RequireNotStarted(std::string_view what) {
  std::lock_guard lock(lifecycle_mutex);
  // Network and worker threads read the hooks without a lock, which is safe only once set.
  if (started) throw std::logic_error(std::string(what) + " must be called before Start()");
}

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : state_(std::make_unique<State>(std::move(options), std::move(router))) {}

Server::~Server() { Shutdown(); }

void Server::AddHttpRoute(std::string verb, std::string path, HttpRoute route) {
  state_->routes.Add(std::move(verb), std::move(path), std::move(route));
}

void Server::OnCallFinished(CallObserver observer) { state_->observer = std::move(observer); }

void Server::SetInterceptor(Interceptor interceptor) {
  state_->RequireNotStarted("SetInterceptor");
  state_->hooks.interceptor = std::move(interceptor);
}

void Server::SetFallback(Fallback fallback) {
  state_->RequireNotStarted("SetFallback");
  state_->hooks.fallback = std::move(fallback);
}

void Server::SetResponseDecorator(ResponseDecorator decorator) {
  state_->RequireNotStarted("SetResponseDecorator");
  state_->hooks.decorator = std::move(decorator);
}

Status Server::Start() {
  std::lock_guard lock(state_->lifecycle_mutex);
  if (state_->started) return FailedPreconditionError("the server was already started");
  state_->hooked = state_->hooks.any();
  MARKET_RETURN_IF_ERROR(state_->http->Start());
  state_->started = true;
  return OkStatus();
}

std::uint16_t Server::port() const { return state_->http->port(); }

void Server::Shutdown() {
  std::lock_guard lock(state_->lifecycle_mutex);
  if (state_->stopped) return;
  state_->stopped = true;
  // Order matters: the HTTP server drains while workers still answer the calls it waits for;
  // then the workers finish what is queued, every call having disarmed its deadline.
  if (state_->started) state_->http->Shutdown();
  state_->pool.Shutdown();
}

std::size_t Server::queued_calls() const { return state_->pool.queued(); }
std::size_t Server::busy_workers() const { return state_->pool.busy(); }

}  // namespace market::connect
