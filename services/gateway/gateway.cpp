#include "gateway.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "market/auth/authorize.hpp"
#include "market/common/log.hpp"
#include "market/connect/error.hpp"
#include "market/connect/error_details.hpp"

namespace market::gateway {
namespace {

namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// Only marketplace calls spend rate-limit tokens: health probes and metrics scrapes do not.
bool IsRateLimited(std::string_view target) { return target.starts_with("/market."); }

http::Response TooManyRequests(const http::Request& request, const std::string& request_id,
                               const Status& status) {
  http::Response response(beast_http::status::too_many_requests, request.version());
  response.set(beast_http::field::content_type, "application/json");
  response.set("X-Request-Id", request_id);
  // RFC 9110 section 10.2.3: whole seconds, rounded up so that a client waiting them is not
  // refused again; the body's RetryInfo carries the exact milliseconds.
  const auto delay = connect::RetryDelayOf(status).value_or(std::chrono::seconds(1));
  const auto seconds = std::max<long long>(1, (delay.count() + 999) / 1000);
  response.set(beast_http::field::retry_after, std::to_string(seconds));
  response.keep_alive(request.keep_alive());
  response.body() = connect::ErrorBody(status);
  response.prepare_payload();
  return response;
}

// The gateway exists to sign user tokens; ServiceConfig refuses to load without its key, so a
// missing one here is a wiring bug.
std::shared_ptr<const auth::TokenSigner> RequireSigner(const runtime::ServiceParts& parts) {
  if (!parts.config.tokens.signer) throw std::logic_error("the gateway has no users key");
  return parts.config.tokens.signer;
}

}  // namespace

Gateway::Gateway(GatewayConfig config, runtime::ServiceParts& parts, ConsoleFiles console)
    : config_(std::move(config)),
      verifier_(parts.tokens),
      signer_(RequireSigner(parts)),
      login_throttle_(parts.cache, config_.login_throttle),
      password_hasher_(config_.password_hashing),
      rate_limiter_(parts.cache),
      identity_(parts.pg, *signer_,
                PasswordGuards{login_throttle_, password_hasher_, rate_limiter_,
                               config_.password_per_address},
                config_.sessions),
      upstream_client_(std::make_unique<http::AsyncClient>(
          http::AsyncClientOptions{.max_in_flight_per_endpoint = config_.upstream_max_in_flight,
                                   .max_idle_per_endpoint = config_.upstream_max_in_flight})),
      proxy_(*upstream_client_, config_.upstreams),
      cors_(config_.cors_origins),
      console_(std::move(console)) {}

void Gateway::AddMethods(connect::Router& router) { identity::v1::Register(router, identity_); }

void Gateway::Install(connect::Server& server) {
  server.SetInterceptor([this](const http::Request& request, const connect::RequestInfo& info) {
    return Admit(request, info);
  });
  server.SetFallback(
      [this](const http::Request& request, const connect::RequestInfo& info,
             connect::FallbackReply reply) { return Forward(request, info, std::move(reply)); });
  server.SetResponseDecorator(
      [this](const http::Request& request, http::Response& response,
             const connect::AnswerInfo& answer) { Finish(request, response, answer); });
}

std::optional<http::Response> Gateway::Admit(const http::Request& request,
                                             const connect::RequestInfo& info) {
  if (auto preflight = cors_.Preflight(request)) return preflight;
  if (!IsRateLimited(request.target())) return std::nullopt;

  // One Redis round trip for both limits: the address's always, the account's when the token
  // is valid. An invalid token is not the gateway's to refuse: the service answers it, and the
  // call has already spent the address's budget.
  std::vector<RateBucket> buckets{{"address:" + info.peer, config_.per_address}};
  const std::string_view authorization = request[beast_http::field::authorization];
  if (!authorization.empty()) {
    if (auto caller = auth::Authenticate(verifier_, authorization); caller.ok()) {
      buckets.push_back({"account:" + caller->subject, config_.per_account});
    }
  }
  if (Status allowed = rate_limiter_.Take(buckets); !allowed.ok()) {
    return TooManyRequests(request, info.request_id, allowed);
  }
  return std::nullopt;
}

void Gateway::Stop() { upstream_client_.reset(); }

bool Gateway::Forward(const http::Request& request, const connect::RequestInfo& info,
                      connect::FallbackReply reply) {
  const std::string_view target = request.target();
  if (ConsoleFiles::Owns(target.substr(0, target.find('?')))) {
    // From memory, on this worker: no file system access per request.
    reply(console_.Serve(request));
    return true;
  }
  const auto bound = Clock::now() + config_.upstream_timeout;
  return proxy_.Forward(request,
                        ForwardContext{.request_id = info.request_id,
                                       .peer = info.peer,
                                       .deadline = std::min(info.deadline, bound)},
                        std::move(reply));
}

void Gateway::Finish(const http::Request& request, http::Response& response,
                     const connect::AnswerInfo& answer) {
  cors_.Decorate(request, response);
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  // The request id goes in the line's own request_id key, as on every other line; a field of
  // that name would be renamed field_request_id (log.hpp).
  const log::RequestIdScope scope{std::string(response["X-Request-Id"])};
  const Upstream* upstream = config_.upstreams.Find(path);
  // Whole microseconds: exact, and an integer reads plainly where a double would print as
  // 3.24703E2.
  const auto latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(answer.elapsed).count();
  log::Info("access", {{"method", std::string(request.method_string())},
                       {"path", std::string(path)},
                       {"status", response.result_int()},
                       {"latency_us", static_cast<std::int64_t>(latency_us)},
                       {"upstream", upstream ? std::string_view(upstream->name)
                                             : std::string_view("gateway")}});
}

}  // namespace market::gateway
