#include "market/connect/page_token.hpp"

#include <charconv>

#include "market/common/base64url.hpp"

namespace market::connect {
namespace {

// Keys never hold a newline (numbers, UUIDs, decimal text), so it separates them.
constexpr char kSeparator = '\n';
constexpr std::size_t kMaxTokenLength = 512;

Status BadToken() {
  return InvalidArgumentError(
      "page.page_token: is not a token this list returned; start from the first page");
}

}  // namespace

StatusOr<int> CheckPageSize(int page_size, int default_size, int max_size) {
  if (page_size < 0 || page_size > max_size) {
    return InvalidArgumentError("page.page_size: must be between 0 (the default, " +
                                std::to_string(default_size) + ") and " + std::to_string(max_size));
  }
  return page_size == 0 ? default_size : page_size;
}

std::string EncodePageToken(std::string_view list, const std::vector<std::string>& keys) {
  std::string plain(list);
  for (const auto& key : keys) {
    plain += kSeparator;
    plain += key;
  }
  return Base64UrlEncode(plain);
}

StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token, std::string_view list,
                                                   std::size_t key_count) {
  if (token.empty()) return std::vector<std::string>{};
  if (token.size() > kMaxTokenLength) return BadToken();
  const std::optional<std::string> plain = Base64UrlDecode(token);
  if (!plain) return BadToken();
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = plain->find(kSeparator, start);
    parts.push_back(
        plain->substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (parts.size() != key_count + 1 || parts.front() != list) return BadToken();
  parts.erase(parts.begin());
  return parts;
}

StatusOr<std::int64_t> PageKeyAsInt(const std::string& key) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
  if (error != std::errc() || end != key.data() + key.size() || value < 0) return BadToken();
  return value;
}

}  // namespace market::connect
