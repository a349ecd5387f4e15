#include "cors.hpp"

#include <algorithm>

#include "market/common/text.hpp"

namespace market::gateway {
namespace {

namespace beast_http = boost::beast::http;

// What Connect clients send and need to read (connectrpc.com/docs/cors).
constexpr std::string_view kAllowedMethods = "POST, GET, OPTIONS";
constexpr std::string_view kAllowedHeaders =
    "Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, Connect-Accept-Encoding, "
    "Connect-Content-Encoding, Authorization, X-Request-Id, X-User-Agent, X-Grpc-Web, "
    "Grpc-Timeout";
constexpr std::string_view kExposedHeaders =
    "X-Request-Id, Retry-After, Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin";
constexpr std::string_view kPreflightMaxAgeSeconds = "7200";

}  // namespace

std::vector<std::string> ParseOriginList(std::string_view list) {
  std::vector<std::string> origins;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view origin = text::Trim(list.substr(0, comma));
    if (!origin.empty()) origins.emplace_back(origin);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return origins;
}

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : allowed_origins_(std::move(allowed_origins)),
      any_origin_(std::find(allowed_origins_.begin(), allowed_origins_.end(), "*") !=
                  allowed_origins_.end()) {}

bool CorsPolicy::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return any_origin_ || std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) !=
                            allowed_origins_.end();
}

std::optional<http::Response> CorsPolicy::Preflight(const http::Request& request) const {
  if (request.method() != beast_http::verb::options) return std::nullopt;
  const std::string_view origin = request[beast_http::field::origin];
  const std::string_view asked_method = request[beast_http::field::access_control_request_method];
  if (origin.empty() || asked_method.empty()) return std::nullopt;

  http::Response response(
      Allows(origin) ? beast_http::status::no_content : beast_http::status::forbidden,
      request.version());
  response.keep_alive(request.keep_alive());
  if (Allows(origin)) {
    response.set(beast_http::field::access_control_allow_methods, kAllowedMethods);
    response.set(beast_http::field::access_control_allow_headers, kAllowedHeaders);
    response.set(beast_http::field::access_control_max_age, kPreflightMaxAgeSeconds);
  }
  response.prepare_payload();
  return response;
}

void CorsPolicy::Decorate(const http::Request& request, http::Response& response) const {
  const std::string_view origin = request[beast_http::field::origin];
  if (!Allows(origin)) return;
  response.set(beast_http::field::access_control_allow_origin, any_origin_ ? "*" : origin);
  response.set(beast_http::field::access_control_expose_headers, kExposedHeaders);
  if (!any_origin_) response.set(beast_http::field::vary, "Origin");
}

}  // namespace market::gateway
