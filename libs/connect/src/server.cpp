#include "market/connect/server.hpp"

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "deadline_watch.hpp"
#include "market/common/log.hpp"
#include "market/common/worker_pool.hpp"
#include "protocol.hpp"
#include "responses.hpp"
#include "rpc_call.hpp"

namespace market::connect {
namespace {

namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using internal::ErrorResponse;
using internal::ReplyTo;

constexpr std::string_view kAcceptPost =
    "application/json, application/json; charset=utf-8, application/proto";
constexpr std::string_view kJsonCharset = "application/json; charset=utf-8";
constexpr std::size_t kMaxRequestIdLength = 128;

struct PathHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view path) const {
    return std::hash<std::string_view>{}(path);
  }
};

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
  return internal::NewRequestId();
}

std::string_view HeaderOrEmpty(const http::Request& request, std::string_view name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string_view{} : std::string_view(it->value());
}

bool IsIdentity(std::string_view encoding) {
  if (encoding.empty()) return true;
  constexpr std::string_view kIdentity = "identity";
  if (encoding.size() != kIdentity.size()) return false;
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(encoding[i])) != kIdentity[i]) return false;
  }
  return true;
}

// The response Content-Type for a request's: the same codec, and the charset parameter echoed
// when the caller sent one.
std::string_view ResponseContentType(Codec codec, std::string_view request_content_type) {
  if (codec == Codec::kJson && request_content_type.find(';') != std::string_view::npos) {
    return kJsonCharset;
  }
  return ContentTypeFor(codec);
}

}  // namespace

struct Server::State {
  State(ServerOptions server_options, std::shared_ptr<const Router> routes)
      : options(std::move(server_options)),
        router(std::move(routes)),
        pool(options.worker_threads, options.max_queued_calls) {
    env.observer = &observer;
    env.watch = &watch;
    http = std::make_unique<http::Server>(
        options.http,
        [this](http::Request request, http::Responder respond) {
          Dispatch(std::move(request), std::move(respond));
        },
        [this](http::ProtocolFailure failure, const http::Request& header) {
          return OnProtocolFailure(failure, header);
        });
  }

  void Dispatch(http::Request request, http::Responder respond);
  void DispatchRpc(const RegisteredMethod& method, http::Request request, http::Responder respond,
                   std::string request_id, Clock::time_point started);
  void DispatchHttpRoute(std::string_view path, http::Request request, http::Responder respond,
                         std::string request_id);
  http::Response OnProtocolFailure(http::ProtocolFailure failure, const http::Request& header);
  void Observe(const RegisteredMethod& method, StatusCode code, Clock::time_point started) const;

  struct Route {
    std::string verb;
    HttpRoute handler;
  };

  ServerOptions options;
  std::shared_ptr<const Router> router;
  std::unordered_map<std::string, std::vector<Route>, PathHash, std::equal_to<>> routes;
  CallObserver observer;
  internal::DeadlineWatch watch;
  internal::CallEnvironment env;
  WorkerPool pool;
  std::unique_ptr<http::Server> http;
  std::mutex lifecycle_mutex;
  bool started = false;
  bool stopped = false;
};

void Server::State::Dispatch(http::Request request, http::Responder respond) {
  const Clock::time_point started_at = Clock::now();
  std::string request_id = RequestIdFor(request);
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));

  if (const RegisteredMethod* method = router->Find(path)) {
    DispatchRpc(*method, std::move(request), std::move(respond), std::move(request_id), started_at);
    return;
  }
  if (routes.find(path) != routes.end()) {
    DispatchHttpRoute(path, std::move(request), std::move(respond), std::move(request_id));
    return;
  }
  const ReplyTo to{request.version(), request_id};
  if (router->IsDeclaredButUnimplemented(path)) {
    respond(ErrorResponse(to, UnimplementedError(std::string(path) + " is not implemented")));
    return;
  }
  // connectrpc.com/docs/protocol: an unknown procedure is 404, which clients read as
  // unimplemented; the body says the same for those that read it.
  respond(ErrorResponse(to, 404, UnimplementedError("no procedure at " + std::string(path))));
}

void Server::State::DispatchRpc(const RegisteredMethod& method, http::Request request,
                                http::Responder respond, std::string request_id,
                                Clock::time_point started_at) {
  const ReplyTo to{request.version(), request_id};
  auto reject = [&](unsigned http_status, const Status& status) {
    respond(ErrorResponse(to, http_status, status));
    Observe(method, status.code(), started_at);
  };
  auto reject_with_code = [&](const Status& status) {
    reject(static_cast<unsigned>(HttpStatusFor(status.code())), status);
  };

  const beast_http::verb verb = request.method();
  const bool is_get = verb == beast_http::verb::get;
  if (verb != beast_http::verb::post && !(is_get && method.get_allowed)) {
    http::Response response =
        ErrorResponse(to, 405,
                      UnimplementedError("HTTP method " + std::string(request.method_string()) +
                                         " is not allowed for " + method.procedure + "; use " +
                                         std::string(method.allow)));
    response.set(beast_http::field::allow, method.allow);
    respond(std::move(response));
    Observe(method, StatusCode::kUnimplemented, started_at);
    return;
  }

  Codec codec = Codec::kProto;
  std::string_view response_content_type;
  std::string_view compression;
  std::optional<internal::GetQuery> query;
  if (is_get) {
    const std::string_view target = request.target();
    const auto question = target.find('?');
    auto parsed = internal::ParseGetQuery(
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
    if (!parsed.ok()) return reject_with_code(parsed.status());
    query = std::move(*parsed);
    if (!query->encoding) {
      return reject_with_code(InvalidArgumentError("query: missing the encoding parameter"));
    }
    const auto named = CodecForName(*query->encoding);
    if (!named) {
      return reject(415, UnimplementedError("query: encoding \"" + *query->encoding +
                                            "\" is not supported; use json or proto"));
    }
    if (!request.body().empty()) {
      return reject(415, UnimplementedError("a GET request must not have a body"));
    }
    if (query->connect && *query->connect != "v1") {
      return reject_with_code(
          InvalidArgumentError("query: connect must be \"v1\", got \"" + *query->connect + "\""));
    }
    if (!query->message) {
      return reject_with_code(InvalidArgumentError("query: missing the message parameter"));
    }
    codec = *named;
    response_content_type = ContentTypeFor(codec);
    if (query->compression) compression = *query->compression;
  } else {
    const std::string_view content_type = HeaderOrEmpty(request, "Content-Type");
    const auto parsed = CodecForContentType(content_type);
    if (!parsed) {
      http::Response response = ErrorResponse(
          to, 415,
          UnimplementedError("Content-Type \"" + std::string(content_type) +
                             "\" is not supported; use application/proto or application/json"));
      response.set("Accept-Post", kAcceptPost);
      respond(std::move(response));
      Observe(method, StatusCode::kUnimplemented, started_at);
      return;
    }
    codec = *parsed;
    response_content_type = ResponseContentType(codec, content_type);
    compression = HeaderOrEmpty(request, "Content-Encoding");
    const std::string_view version = HeaderOrEmpty(request, "Connect-Protocol-Version");
    if (!version.empty() && version != "1") {
      return reject_with_code(InvalidArgumentError(
          "Connect-Protocol-Version must be \"1\", got \"" + std::string(version) + "\""));
    }
  }
  if (!IsIdentity(compression)) {
    return reject_with_code(UnimplementedError("compression \"" + std::string(compression) +
                                               "\" is not supported; send identity"));
  }

  Clock::time_point deadline = Clock::time_point::max();
  if (const std::string_view timeout = HeaderOrEmpty(request, "Connect-Timeout-Ms");
      !timeout.empty()) {
    const auto parsed = internal::ParseTimeout(timeout);
    if (!parsed.ok()) return reject_with_code(parsed.status());
    deadline = started_at + *parsed;
  }

  auto call = std::make_shared<internal::RpcCall>(
      method, env, std::move(request), std::move(respond), std::move(request_id), started_at);
  call->codec = codec;
  call->response_content_type = response_content_type;
  call->deadline = deadline;
  if (query) {
    call->from_query = true;
    call->query_base64 = query->base64;
    call->query_message = std::move(*query->message);
  }
  // Armed before it is queued, so the deadline also covers the wait for a worker.
  if (call->has_deadline()) watch.Arm(call, deadline);
  if (!pool.TrySubmit([call] { call->Run(); })) {
    call->Fail(UnavailableError("the server is overloaded; retry later"));
    if (call->has_deadline()) watch.Disarm(*call);
  }
}

void Server::State::DispatchHttpRoute(std::string_view path, http::Request request,
                                      http::Responder respond, std::string request_id) {
  const auto& candidates = routes.find(path)->second;
  const Route* route = nullptr;
  std::string allow;
  for (const auto& candidate : candidates) {
    if (candidate.verb == request.method_string()) route = &candidate;
    if (!allow.empty()) allow += ", ";
    allow += candidate.verb;
  }
  const ReplyTo to{request.version(), request_id};
  if (route == nullptr) {
    http::Response response = ErrorResponse(
        to, 405,
        UnimplementedError("HTTP method " + std::string(request.method_string()) +
                           " is not allowed for " + std::string(path) + "; use " + allow));
    response.set(beast_http::field::allow, allow);
    respond(std::move(response));
    return;
  }
  auto task = [route, request = std::move(request), respond, request_id]() mutable {
    const ReplyTo to{request.version(), request_id};
    http::Response response;
    try {
      response = route->handler(request);
    } catch (const std::exception& error) {
      log::Error("HTTP route threw",
                 {{"path", std::string(request.target())}, {"error", error.what()}});
      response = ErrorResponse(to, InternalError("the server failed to process the request"));
    }
    if (response.find("X-Request-Id") == response.end()) response.set("X-Request-Id", request_id);
    respond(std::move(response));
  };
  if (!pool.TrySubmit(std::move(task))) {
    respond(ErrorResponse(to, UnavailableError("the server is overloaded; retry later")));
  }
}

http::Response Server::State::OnProtocolFailure(http::ProtocolFailure failure,
                                                const http::Request& header) {
  const std::string request_id = RequestIdFor(header);
  const ReplyTo to{header.version(), request_id};
  switch (failure) {
    case http::ProtocolFailure::kBodyTooLarge:
      return ErrorResponse(
          to, ResourceExhaustedError("the request body exceeds " +
                                     std::to_string(options.http.max_body_bytes) + " bytes"));
    case http::ProtocolFailure::kHeaderTooLarge:
      return ErrorResponse(
          to, ResourceExhaustedError("the request header exceeds " +
                                     std::to_string(options.http.max_header_bytes) + " bytes"));
    case http::ProtocolFailure::kMalformedRequest:
      break;
  }
  return ErrorResponse(to, InvalidArgumentError("malformed HTTP request"));
}

void Server::State::Observe(const RegisteredMethod& method, StatusCode code,
                            Clock::time_point started_at) const {
  if (!observer) return;
  const std::chrono::duration<double> elapsed = Clock::now() - started_at;
  observer(method.procedure, code, elapsed.count());
}

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : state_(std::make_unique<State>(std::move(options), std::move(router))) {}

Server::~Server() { Shutdown(); }

void Server::AddHttpRoute(std::string verb, std::string path, HttpRoute route) {
  state_->routes[std::move(path)].push_back(State::Route{std::move(verb), std::move(route)});
}

void Server::OnCallFinished(CallObserver observer) { state_->observer = std::move(observer); }

Status Server::Start() {
  std::lock_guard lock(state_->lifecycle_mutex);
  if (state_->started) return FailedPreconditionError("the server was already started");
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
