#include "rpc_plan.hpp"

#include <cctype>
#include <utility>

#include "protocol.hpp"

namespace market::connect::internal {
namespace {

namespace beast_http = boost::beast::http;

constexpr std::string_view kAcceptPost =
    "application/json, application/json; charset=utf-8, application/proto";
constexpr std::string_view kJsonCharset = "application/json; charset=utf-8";

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

Refusal Refuse(const ReplyTo& to, unsigned http_status, const Status& status) {
  return Refusal{ErrorResponse(to, http_status, status), status.code()};
}

Refusal Refuse(const ReplyTo& to, const Status& status) {
  return Refusal{ErrorResponse(to, status), status.code()};
}

// A GET call's parameters: connectrpc.com/docs/protocol, "Unary-Get-Request".
std::variant<RpcPlan, Refusal> PlanGet(const http::Request& request, const ReplyTo& to) {
  const std::string_view target = request.target();
  const auto question = target.find('?');
  auto parsed = ParseGetQuery(question == std::string_view::npos ? std::string_view{}
                                                                 : target.substr(question + 1));
  if (!parsed.ok()) return Refuse(to, parsed.status());
  GetQuery& query = *parsed;
  if (!query.encoding) {
    return Refuse(to, InvalidArgumentError("query: missing the encoding parameter"));
  }
  const auto codec = CodecForName(*query.encoding);
  if (!codec) {
    return Refuse(to, 415,
                  UnimplementedError("query: encoding \"" + *query.encoding +
                                     "\" is not supported; use json or proto"));
  }
  if (!request.body().empty()) {
    return Refuse(to, 415, UnimplementedError("a GET request must not have a body"));
  }
  if (query.connect && *query.connect != "v1") {
    return Refuse(
        to, InvalidArgumentError("query: connect must be \"v1\", got \"" + *query.connect + "\""));
  }
  if (!query.message) {
    return Refuse(to, InvalidArgumentError("query: missing the message parameter"));
  }
  if (query.compression && !IsIdentity(*query.compression)) {
    return Refuse(to, UnimplementedError("compression \"" + *query.compression +
                                         "\" is not supported; send identity"));
  }
  RpcPlan plan;
  plan.codec = *codec;
  plan.response_content_type = ContentTypeFor(*codec);
  plan.from_query = true;
  plan.query_base64 = query.base64;
  plan.query_message = std::move(*query.message);
  return plan;
}

std::variant<RpcPlan, Refusal> PlanPost(const http::Request& request, const ReplyTo& to) {
  const std::string_view content_type = HeaderOrEmpty(request, "Content-Type");
  const auto codec = CodecForContentType(content_type);
  if (!codec) {
    Refusal refusal = Refuse(
        to, 415,
        UnimplementedError("Content-Type \"" + std::string(content_type) +
                           "\" is not supported; use application/proto or application/json"));
    refusal.response.set("Accept-Post", kAcceptPost);
    return refusal;
  }
  const std::string_view version = HeaderOrEmpty(request, "Connect-Protocol-Version");
  if (!version.empty() && version != "1") {
    return Refuse(to, InvalidArgumentError("Connect-Protocol-Version must be \"1\", got \"" +
                                           std::string(version) + "\""));
  }
  const std::string_view compression = HeaderOrEmpty(request, "Content-Encoding");
  if (!IsIdentity(compression)) {
    return Refuse(to, UnimplementedError("compression \"" + std::string(compression) +
                                         "\" is not supported; send identity"));
  }
  RpcPlan plan;
  plan.codec = *codec;
  plan.response_content_type = ResponseContentType(*codec, content_type);
  return plan;
}

}  // namespace

std::variant<RpcPlan, Refusal> PlanRpc(const RegisteredMethod& method, const http::Request& request,
                                       const ReplyTo& to) {
  const beast_http::verb verb = request.method();
  if (verb == beast_http::verb::post) return PlanPost(request, to);
  if (verb == beast_http::verb::get && method.get_allowed) return PlanGet(request, to);
  Refusal refusal =
      Refuse(to, 405,
             UnimplementedError("HTTP method " + std::string(request.method_string()) +
                                " is not allowed for " + method.procedure + "; use " +
                                std::string(method.allow)));
  refusal.response.set(beast_http::field::allow, method.allow);
  return refusal;
}

StatusOr<std::chrono::steady_clock::time_point> DeadlineFor(
    const http::Request& request, std::chrono::steady_clock::time_point started_at) {
  const std::string_view timeout = HeaderOrEmpty(request, "Connect-Timeout-Ms");
  if (timeout.empty()) return std::chrono::steady_clock::time_point::max();
  MARKET_ASSIGN_OR_RETURN(const auto millis, ParseTimeout(timeout));
  return started_at + millis;
}

}  // namespace market::connect::internal
