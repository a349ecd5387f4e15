#include "console_files.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "market/auth/sha256.hpp"
#include "market/common/log.hpp"

namespace market::gateway {
namespace {

namespace beast_http = boost::beast::http;
namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "/console/";

// What the console may do in a browser: its own scripts, styles and images, calls to its own
// origin (the gateway's Connect API) and nothing else; no inline script or style, no framing,
// no plugins. 'none' as the default, so a new kind of resource is refused until allowed here.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Extension {
  std::string_view suffix;
  std::string_view content_type;
};

// ES modules must come as JavaScript (HTML standard: a module script of another MIME type is
// refused), and nosniff makes the browser hold every other file to its declared type too.
constexpr std::array<Extension, 9> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
}};

std::string_view ContentTypeFor(std::string_view name) {
  for (const Extension& type : kTypes) {
    if (name.size() > type.suffix.size() && name.ends_with(type.suffix)) return type.content_type;
  }
  return {};
}

// A path the set could hold: segments of letters, digits, '.', '-' and '_', none empty or
// starting with '.'. Anything else (an escape, "..", a hidden file, "//") cannot name a loaded
// file, so it is refused before the lookup; the lookup alone would refuse it too.
bool IsPlainRelativePath(std::string_view path) {
  if (path.empty()) return false;
  bool segment_start = true;
  for (char c : path) {
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (!plain || (segment_start && c == '.')) return false;
    segment_start = false;
  }
  return true;
}

void SetSecurityHeaders(http::Response& response) {
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
}

http::Response Plain(const http::Request& request, beast_http::status status,
                     std::string_view body) {
  http::Response response(status, request.version());
  SetSecurityHeaders(response);
  response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::string(body);
  response.prepare_payload();
  return response;
}

// Whether an If-None-Match header lists `etag` (or is "*").
bool Matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view candidate = if_none_match.substr(0, comma);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == etag || candidate == "*") return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool ConsoleFiles::Owns(std::string_view path) {
  return path == "/console" || path.starts_with(kPrefix);
}

StatusOr<ConsoleFiles> ConsoleFiles::Load(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return InvalidArgumentError("MARKET_CONSOLE_DIR: " + dir.string() + " is not a directory");
  }
  ConsoleFiles console;
  std::size_t total_bytes = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    // Hidden files (editor swap files, .DS_Store) and links are never served; links are not
    // followed, so nothing outside the directory can be reached through one.
    if (name.starts_with('.') || entry.is_symlink()) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), dir).generic_string();
    const std::string_view content_type = ContentTypeFor(name);
    if (content_type.empty() || !IsPlainRelativePath(relative)) {
      log::Warn("console file skipped: unknown type or name", {{"file", relative}});
      continue;
    }
    if (console.files_.size() == kConsoleMaxFiles) {
      return InvalidArgumentError("MARKET_CONSOLE_DIR: more than " +
                                  std::to_string(kConsoleMaxFiles) + " files");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return InvalidArgumentError("MARKET_CONSOLE_DIR: cannot read " + relative);
    total_bytes += body.view().size();
    if (total_bytes > kConsoleMaxTotalBytes) {
      return InvalidArgumentError("MARKET_CONSOLE_DIR: more than " +
                                  std::to_string(kConsoleMaxTotalBytes) + " bytes of files");
    }
    // A strong validator from the content, so two gateways serving one release agree on it.
    std::string etag = "\"" + auth::Sha256Hex(body.view()).substr(0, 32) + "\"";
    console.files_.emplace(relative,
                           File{std::string(content_type), std::move(etag), std::move(body).str()});
  }
  if (error) {
    return InvalidArgumentError("MARKET_CONSOLE_DIR: cannot list " + dir.string() + ": " +
                                error.message());
  }
  if (!console.files_.contains("index.html")) {
    return InvalidArgumentError("MARKET_CONSOLE_DIR: " + dir.string() + " holds no index.html");
  }
  return console;
}

http::Response ConsoleFiles::Serve(const http::Request& request) const {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (request.method() != beast_http::verb::get) {
    http::Response response =
        Plain(request, beast_http::status::method_not_allowed, "only GET is served here\n");
    response.set(beast_http::field::allow, "GET");
    return response;
  }
  if (path == "/console") {
    http::Response response = Plain(request, beast_http::status::moved_permanently, "");
    response.set(beast_http::field::location, kPrefix);
    return response;
  }
  std::string relative(path.substr(kPrefix.size()));
  if (relative.empty() || relative.ends_with('/')) relative += "index.html";
  const auto found = IsPlainRelativePath(relative) ? files_.find(relative) : files_.end();
  if (found == files_.end()) return Plain(request, beast_http::status::not_found, "not found\n");

  const File& file = found->second;
  const bool unchanged = Matches(request[beast_http::field::if_none_match], file.etag);
  http::Response response(unchanged ? beast_http::status::not_modified : beast_http::status::ok,
                          request.version());
  SetSecurityHeaders(response);
  response.set(beast_http::field::content_type, file.content_type);
  response.set(beast_http::field::etag, file.etag);
  // Revalidate on every use: file names carry no version, so a cached copy must never outlive
  // a release; an unchanged file then costs a 304 without a body.
  response.set(beast_http::field::cache_control, "no-cache");
  response.keep_alive(request.keep_alive());
  if (!unchanged) response.body() = file.body;
  response.prepare_payload();
  return response;
}

}  // namespace market::gateway
