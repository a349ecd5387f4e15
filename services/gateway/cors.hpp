// CorsPolicy: which browser origins may call the gateway (Fetch standard, "CORS protocol").
//
// Connect-Web clients in a browser send a preflight OPTIONS for every POST with a JSON or
// protobuf body; the gateway answers it itself, and adds Access-Control-* headers to every
// answer for an allowed origin. Origins are configured exactly ("https://app.example.com");
// "*" allows any origin (then credentials are not allowed by browsers, which is fine: tokens
// travel in the Authorization header, not cookies).
//
//   CorsPolicy cors({"https://app.example.com"});
//   if (auto preflight = cors.Preflight(request)) respond(*preflight);
//   cors.Decorate(request, response);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "market/http/types.hpp"

namespace market::gateway {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  // The answer to a CORS preflight request (OPTIONS with Origin and
  // Access-Control-Request-Method); nullopt for any other request. A preflight from an origin
  // that is not allowed gets 403 with no Access-Control-* headers.
  std::optional<http::Response> Preflight(const http::Request& request) const;

  // Adds the headers a browser needs to read `response`, when the request came from an
  // allowed origin.
  void Decorate(const http::Request& request, http::Response& response) const;

  bool Allows(std::string_view origin) const;

 private:
  std::vector<std::string> allowed_origins_;
  bool any_origin_ = false;
};

// "https://a.example, https://b.example" -> {"https://a.example", "https://b.example"}.
std::vector<std::string> ParseOriginList(std::string_view list);

}  // namespace market::gateway
