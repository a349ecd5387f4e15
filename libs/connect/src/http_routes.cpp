#include "http_routes.hpp"

#include <utility>

#include "market/common/log.hpp"

namespace market::connect::internal {

void HttpRoutes::Add(std::string verb, std::string path, HttpRoute route) {
  routes_[std::move(path)].push_back(Route{std::move(verb), std::move(route)});
}

const RoutesAtPath* HttpRoutes::Find(std::string_view path) const {
  const auto it = routes_.find(path);
  return it == routes_.end() ? nullptr : &it->second;
}

const Route* FindVerb(const RoutesAtPath& routes, std::string_view verb) {
  for (const auto& route : routes) {
    if (route.verb == verb) return &route;
  }
  return nullptr;
}

http::Response WrongVerbResponse(const RoutesAtPath& routes, const http::Request& request,
                                 const ReplyTo& to) {
  std::string allow;
  for (const auto& route : routes) {
    if (!allow.empty()) allow += ", ";
    allow += route.verb;
  }
  http::Response response = ErrorResponse(
      to, 405,
      UnimplementedError("HTTP method " + std::string(request.method_string()) +
                         " is not allowed for " + std::string(PathOf(request)) + "; use " + allow));
  response.set(boost::beast::http::field::allow, allow);
  return response;
}

http::Response RunRoute(const Route& route, const http::Request& request,
                        std::string_view request_id) {
  http::Response response;
  try {
    response = route.handler(request);
  } catch (...) {
    // Only the type is logged: an exception's text may carry SQL or a secret.
    log::Error("HTTP route threw", {{"path", std::string(PathOf(request))},
                                    {"exception", log::CurrentExceptionType()}});
    response = ErrorResponse(ReplyTo{request.version(), request_id},
                             InternalError("the server failed to process the request"));
  }
  if (response.find("X-Request-Id") == response.end()) response.set("X-Request-Id", request_id);
  return response;
}

}  // namespace market::connect::internal
