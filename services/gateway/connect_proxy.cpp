#include "connect_proxy.hpp"

#include <array>

#include "market/common/log.hpp"
#include "market/connect/error.hpp"

namespace market::gateway {
namespace {

namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// RFC 9110 section 7.6.1: hop-by-hop fields belong to one connection and are not forwarded.
constexpr std::array<beast_http::field, 8> kHopByHop = {
    beast_http::field::connection,
    beast_http::field::keep_alive,
    beast_http::field::proxy_authenticate,
    beast_http::field::proxy_authorization,
    beast_http::field::te,
    beast_http::field::trailer,
    beast_http::field::transfer_encoding,
    beast_http::field::upgrade,
};

template <typename Message>
void DropHopByHop(Message& message) {
  for (beast_http::field field : kHopByHop) message.erase(field);
}

http::Response ConnectError(unsigned version, const std::string& request_id, const Status& status) {
  http::Response response(static_cast<beast_http::status>(HttpStatusFor(status.code())), version);
  response.set(beast_http::field::content_type, "application/json");
  response.set("X-Request-Id", request_id);
  response.body() = connect::ErrorBody(status);
  response.prepare_payload();
  return response;
}

// What the caller gets for the upstream's answer: the answer itself, freed of hop-by-hop
// fields, or a Connect error saying which service failed and how.
http::Response UpstreamAnswer(const Upstream& upstream, unsigned version, bool keep_alive,
                              const std::string& request_id, StatusOr<http::Response>& answer) {
  if (!answer.ok()) {
    log::Warn("upstream call failed",
              {{"upstream", upstream.name}, {"error", answer.status().ToString()}});
    const Status status =
        answer.status().code() == StatusCode::kDeadlineExceeded
            ? DeadlineExceededError("the " + upstream.name + " service did not answer in time")
            : UnavailableError("the " + upstream.name + " service is unavailable; retry later");
    return ConnectError(version, request_id, status);
  }
  http::Response response = std::move(*answer);
  DropHopByHop(response);
  response.version(version);
  response.keep_alive(keep_alive);
  response.set("X-Request-Id", request_id);
  response.prepare_payload();
  return response;
}

}  // namespace

ConnectProxy::ConnectProxy(http::AsyncClient& client, const Upstreams& upstreams)
    : client_(client), upstreams_(upstreams) {}

bool ConnectProxy::Forward(const http::Request& request, const ForwardContext& ctx,
                           connect::FallbackReply reply) const {
  const std::string_view target = request.target();
  const Upstream* upstream = upstreams_.Find(target.substr(0, target.find('?')));
  if (upstream == nullptr) return false;

  const auto now = Clock::now();
  if (now >= ctx.deadline) {
    reply(ConnectError(request.version(), ctx.request_id,
                       DeadlineExceededError("the deadline passed before the call was routed")));
    return true;
  }
  http::Request outgoing = request;
  outgoing.version(11);
  DropHopByHop(outgoing);
  // The gateway already holds the whole body: asking the service whether to send it would only
  // add an interim answer to the exchange.
  outgoing.erase(beast_http::field::expect);
  outgoing.set(beast_http::field::host,
               upstream->endpoint.host + ":" + std::to_string(upstream->endpoint.port));
  outgoing.set("X-Request-Id", ctx.request_id);
  std::string forwarded_for(request["X-Forwarded-For"]);
  if (!ctx.peer.empty()) {
    forwarded_for += forwarded_for.empty() ? ctx.peer : ", " + ctx.peer;
  }
  if (!forwarded_for.empty()) outgoing.set("X-Forwarded-For", forwarded_for);
  if (ctx.deadline != Clock::time_point::max()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline - now);
    outgoing.set("Connect-Timeout-Ms", std::to_string(std::max<long long>(1, left.count())));
  }
  outgoing.keep_alive(true);
  outgoing.prepare_payload();

  const bool idempotent = request.method() == beast_http::verb::get;
  client_.Send(
      upstream->endpoint, std::move(outgoing), ctx.deadline, idempotent,
      [upstream, version = request.version(), keep_alive = request.keep_alive(),
       request_id = ctx.request_id, reply = std::move(reply)](StatusOr<http::Response> answer) {
        // By reference: GCC 12 wrongly warns of an uninitialised Status when the StatusOr is
        // moved into a by-value parameter here.
        reply(UpstreamAnswer(*upstream, version, keep_alive, request_id, answer));
      });
  return true;
}

}  // namespace market::gateway
