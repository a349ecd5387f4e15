#include "market/http/plain_response.hpp"

#include <catch2/catch.hpp>

namespace market::http {
namespace {

namespace beast_http = boost::beast::http;

TEST_CASE("a plain response carries its body as given, as UTF-8 text by default", "[http]") {
  const Response ok = PlainResponse(beast_http::status::ok, "ok\n");
  CHECK(ok.result() == beast_http::status::ok);
  CHECK(ok[beast_http::field::content_type] == "text/plain; charset=utf-8");
  CHECK(ok.body() == "ok\n");

  const Response empty = PlainResponse(beast_http::status::service_unavailable, "");
  CHECK(empty.result_int() == 503);
  CHECK(empty.body().empty());
}

TEST_CASE("a plain response may name another text type", "[http]") {
  const Response metrics =
      PlainResponse(beast_http::status::ok, "up 1\n", "text/plain; version=0.0.4");
  CHECK(metrics[beast_http::field::content_type] == "text/plain; version=0.0.4");
  CHECK(metrics.body() == "up 1\n");
}

}  // namespace
}  // namespace market::http
