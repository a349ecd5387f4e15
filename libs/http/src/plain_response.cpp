#include "market/http/plain_response.hpp"

#include <utility>

#include <boost/beast/http/field.hpp>

namespace market::http {

Response PlainResponse(boost::beast::http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, 11};
  response.set(boost::beast::http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

}  // namespace market::http
