// The plain HTTP routes a server answers beside its RPCs (GET /healthz, /metrics): matched by
// exact path, without the query string, then by verb. Internal to the server.
//
//   HttpRoutes routes;
//   routes.Add("GET", "/healthz", Healthz);
//   if (const RoutesAtPath* at_path = routes.Find(path)) {
//     const Route* route = FindVerb(*at_path, request.method_string());
//     respond(route ? RunRoute(*route, request, request_id)
//                   : WrongVerbResponse(*at_path, request, to));   // 405 with Allow
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "market/connect/server.hpp"
#include "responses.hpp"

namespace market::connect::internal {

struct Route {
  std::string verb;
  HttpRoute handler;
};
using RoutesAtPath = std::vector<Route>;

class HttpRoutes {
 public:
  void Add(std::string verb, std::string path, HttpRoute route);
  // The routes at `path`, one per verb; nullptr when there are none.
  const RoutesAtPath* Find(std::string_view path) const;

 private:
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const {
      return std::hash<std::string_view>{}(path);
    }
  };

  std::unordered_map<std::string, RoutesAtPath, PathHash, std::equal_to<>> routes_;
};

// The route serving `verb`, or nullptr.
const Route* FindVerb(const RoutesAtPath& routes, std::string_view verb);

// The 405 for a verb no route at the request's path serves, with Allow naming those that are.
http::Response WrongVerbResponse(const RoutesAtPath& routes, const http::Request& request,
                                 const ReplyTo& to);

// Runs the route; a throwing route is answered internal. The answer carries X-Request-Id.
http::Response RunRoute(const Route& route, const http::Request& request,
                        std::string_view request_id);

}  // namespace market::connect::internal
