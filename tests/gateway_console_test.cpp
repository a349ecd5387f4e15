// The gateway serves the operator console's static files: the right content types, the
// security and cache headers on every answer, 304 for an unchanged file, and nothing outside
// the console's directory, however the path is spelt.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "support/service_fixture.hpp"

namespace market {
namespace {

namespace beast_http = boost::beast::http;
namespace fs = std::filesystem;

// A console directory with a few files, a secret beside it (outside), a hidden file and a link
// that points out of it; removed at the end of the test.
class ConsoleDir {
 public:
  ConsoleDir()
      : root_(fs::temp_directory_path() /
              ("market-console-test-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(root_ / "console" / "js");
    Write("secret.txt", "outside the console\n");
    Write("console/index.html", "<!doctype html><title>console</title>\n");
    Write("console/app.css", "body { margin: 0; }\n");
    Write("console/js/main.js", "export const answer = 42;\n");
    Write("console/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    Write("console/.env", "hidden\n");
    Write("console/notes.md", "no known type\n");
    fs::create_symlink(root_ / "secret.txt", root_ / "console" / "linked.txt");
  }
  ~ConsoleDir() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::string console() const { return (root_ / "console").string(); }

 private:
  void Write(const std::string& relative, const std::string& content) {
    std::ofstream(root_ / relative) << content;
  }
  fs::path root_;
};

http::Response Get(std::uint16_t port, std::string_view target,
                   std::map<std::string, std::string> headers = {}) {
  http::Request request(beast_http::verb::get, target, 11);
  for (const auto& [name, value] : headers) request.set(name, value);
  return testing::Send(port, std::move(request));
}

void CheckSecurityHeaders(const http::Response& response) {
  const std::string csp(response["Content-Security-Policy"]);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("script-src 'self';") != std::string::npos);
  CHECK(csp.find("style-src 'self';") != std::string::npos);
  CHECK(csp.find("connect-src 'self';") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(response["X-Content-Type-Options"] == "nosniff");
  CHECK(response["Referrer-Policy"] == "no-referrer");
}

TEST_CASE("the console's files come with their types and the security headers",
          "[gateway][console]") {
  ConsoleDir dir;
  auto gateway = testing::StartGateway({{"MARKET_CONSOLE_DIR", dir.console()}});

  const auto index = Get(gateway.port(), "/console/");
  REQUIRE(index.result_int() == 200);
  CHECK(index[beast_http::field::content_type] == "text/html; charset=utf-8");
  CHECK(index.body() == "<!doctype html><title>console</title>\n");
  CHECK(index[beast_http::field::cache_control] == "no-cache");
  CheckSecurityHeaders(index);

  const auto module = Get(gateway.port(), "/console/js/main.js?v=1");
  REQUIRE(module.result_int() == 200);
  CHECK(module[beast_http::field::content_type] == "text/javascript; charset=utf-8");
  CheckSecurityHeaders(module);
  const auto css = Get(gateway.port(), "/console/app.css");
  CHECK(css[beast_http::field::content_type] == "text/css; charset=utf-8");
  const auto svg = Get(gateway.port(), "/console/logo.svg");
  CHECK(svg[beast_http::field::content_type] == "image/svg+xml");
  CHECK(Get(gateway.port(), "/console/index.html").body() == index.body());

  SECTION("/console redirects to /console/") {
    const auto redirect = Get(gateway.port(), "/console");
    CHECK(redirect.result_int() == 301);
    CHECK(redirect[beast_http::field::location] == "/console/");
  }

  SECTION("an unchanged file is 304 without a body") {
    const std::string etag(module[beast_http::field::etag]);
    REQUIRE(etag.size() > 2);
    const auto again = Get(gateway.port(), "/console/js/main.js", {{"If-None-Match", etag}});
    CHECK(again.result_int() == 304);
    CHECK(again.body().empty());
    CHECK(again[beast_http::field::etag] == etag);
    const auto other =
        Get(gateway.port(), "/console/js/main.js", {{"If-None-Match", "\"something-else\""}});
    CHECK(other.result_int() == 200);
  }

  SECTION("unknown files are 404 with the security headers") {
    const auto missing = Get(gateway.port(), "/console/missing.js");
    CHECK(missing.result_int() == 404);
    CheckSecurityHeaders(missing);
    CHECK(Get(gateway.port(), "/console/js/").result_int() == 404);
    CHECK(Get(gateway.port(), "/console/notes.md").result_int() == 404);
    CHECK(Get(gateway.port(), "/console/.env").result_int() == 404);
  }

  SECTION("only GET is served") {
    const auto post = testing::PostJson(gateway.port(), "/console/index.html", "{}");
    CHECK(post.result_int() == 405);
    CHECK(post[beast_http::field::allow] == "GET");
  }
}

TEST_CASE("no spelling of a path leads out of the console's directory", "[gateway][console]") {
  ConsoleDir dir;
  auto gateway = testing::StartGateway({{"MARKET_CONSOLE_DIR", dir.console()}});
  for (const std::string& target : std::vector<std::string>{
           "/console/../secret.txt",
           "/console/js/../../secret.txt",
           "/console/%2e%2e/secret.txt",
           "/console/..%2fsecret.txt",
           "/console/%2E%2E%2Fsecret.txt",
           "/console/..\\secret.txt",
           "/console//secret.txt",
           "/console/./index.html",
           "/console/linked.txt",
           "/console/js/..",
           "/console/" + std::string(dir.console()) + "/index.html",
       }) {
    INFO(target);
    const auto response = Get(gateway.port(), target);
    CHECK(response.result_int() == 404);
    CHECK(response.body().find("outside the console") == std::string::npos);
  }
}

TEST_CASE("a console directory that was named must load", "[gateway][console]") {
  CHECK_THROWS(testing::StartGateway({{"MARKET_CONSOLE_DIR", "/nonexistent/console"}}));

  // Set empty: no console, and the gateway serves everything else as before.
  auto gateway = testing::StartGateway({{"MARKET_CONSOLE_DIR", ""}});
  CHECK(Get(gateway.port(), "/console/").result_int() == 404);
  CHECK(testing::PostJson(gateway.port(), "/grpc.health.v1.Health/Check", "{}").result_int() ==
        200);
}

}  // namespace
}  // namespace market
