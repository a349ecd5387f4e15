// ConsoleFiles: the operator console's static files (HTML, CSS, ES modules), served by the
// gateway under /console/.
//
// The files are read once, at start-up, from one directory (MARKET_CONSOLE_DIR; the build's copy
// of services/gateway/console by default) into memory, and only that set is ever served: a
// request names a key of the set or gets 404, so no path a client sends ever reaches the file
// system, and no "..", percent-escape or symbolic link can lead out of the directory. Only
// regular files with a known type are taken (".html", ".css", ".js", ".mjs", ".svg", ".png",
// ".ico", ".json", ".txt"); hidden files and links are skipped.
//
// Every answer carries a strict Content-Security-Policy (scripts, styles and calls from the
// gateway's own origin only: no inline script or style), X-Content-Type-Options: nosniff and
// Referrer-Policy: no-referrer. Files are revalidated on each use (Cache-Control: no-cache with a
// strong ETag, If-None-Match answered 304), so a new release is picked up at once, while an
// unchanged file costs only a 304.
//
//   auto files = ConsoleFiles::Load("/srv/console");   // invalid_argument when unreadable
//   if (ConsoleFiles::Owns(path)) reply(files->Serve(request));
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "market/common/statusor.hpp"
#include "market/http/types.hpp"

namespace market::gateway {

// Bounds on what Load() accepts: a console is a handful of small files, so anything beyond
// these is a wrong directory, not a bigger console.
inline constexpr std::size_t kConsoleMaxFiles = 200;
inline constexpr std::size_t kConsoleMaxTotalBytes = 8 * 1024 * 1024;

class ConsoleFiles {
 public:
  // The files under `dir`, recursively. invalid_argument when `dir` is not a readable
  // directory, holds no index.html, or exceeds the bounds above.
  static StatusOr<ConsoleFiles> Load(const std::filesystem::path& dir);
  // No files at all: every console path is 404 (the console is not installed).
  ConsoleFiles() = default;

  // Whether `path` (without query) is the console's: "/console" or under "/console/".
  static bool Owns(std::string_view path);

  // The answer to a request for a path Owns(): the file, 304, a redirect from "/console" to
  // "/console/", 404, or 405 for any method but GET.
  http::Response Serve(const http::Request& request) const;

  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string etag;
    std::string body;
  };
  // By path relative to the directory, with "/" separators: "index.html", "js/api.js".
  std::map<std::string, File, std::less<>> files_;
};

}  // namespace market::gateway
