#include "market/auth/key_set.hpp"

#include <cctype>

#include "market/common/text.hpp"

namespace market::auth {
namespace {

constexpr std::string_view kUsersScope = "users";
constexpr std::string_view kServicePrefix = "service=";
constexpr std::size_t kMaxNameLength = 64;

bool IsServiceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

StatusOr<KeyScope> KeyScope::Parse(std::string_view text) {
  if (text == kUsersScope) return Users();
  if (text.starts_with(kServicePrefix)) {
    const std::string_view name = text.substr(kServicePrefix.size());
    if (IsServiceName(name)) return Service(std::string(name));
  }
  return InvalidArgumentError("scope must be \"users\" or \"service=<name>\", got " +
                              text::Quoted(text, 80));
}

bool KeyScope::Allows(const Principal& principal) const {
  if (principal.roles.empty()) return false;
  if (is_users()) return !principal.HasRole(Role::kService);
  return principal.subject == service_ && principal.roles.size() == 1 &&
         principal.roles.front() == Role::kService;
}

std::string KeyScope::ToString() const {
  return is_users() ? std::string(kUsersScope) : std::string(kServicePrefix) + service_;
}

Status ValidateKid(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxNameLength) {
    return InvalidArgumentError("key id must have 1 to 64 characters");
  }
  for (const char c : kid) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return InvalidArgumentError("key id " + text::Quoted(kid, 80) +
                                  " may hold only letters, digits, '.', '-' and '_'");
    }
  }
  return OkStatus();
}

Status KeySet::Add(std::string kid, KeyScope scope, Ed25519PublicKey key) {
  MARKET_RETURN_IF_ERROR(ValidateKid(kid));
  if (entries_.contains(kid)) {
    return AlreadyExistsError("key id " + text::Quoted(kid, 80) + " appears twice");
  }
  entries_.emplace(std::move(kid), Entry{std::move(key), std::move(scope)});
  return OkStatus();
}

const KeySet::Entry* KeySet::Find(std::string_view kid) const {
  const auto found = entries_.find(kid);
  return found == entries_.end() ? nullptr : &found->second;
}

StatusOr<KeySet> ParseVerifyKeys(std::string_view spec) {
  KeySet keys;
  std::size_t position = 0;
  int index = 0;
  while (position <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', position), spec.size());
    const std::string_view entry = Trim(spec.substr(position, comma - position));
    position = comma + 1;
    ++index;
    const auto fail = [&](const std::string& why) {
      return InvalidArgumentError("entry " + std::to_string(index) + " (" +
                                  text::Quoted(entry, 120) + "): " + why);
    };
    const std::size_t first = entry.find(':');
    const std::size_t second = first == std::string_view::npos ? first : entry.find(':', first + 1);
    if (second == std::string_view::npos) return fail("must be kid:scope:path-to-public-key.pem");
    const std::string kid(entry.substr(0, first));
    auto scope = KeyScope::Parse(entry.substr(first + 1, second - first - 1));
    if (!scope.ok()) return fail(scope.status().message());
    auto key = Ed25519PublicKey::FromPemFile(std::string(entry.substr(second + 1)));
    if (!key.ok()) return fail(key.status().message());
    if (Status added = keys.Add(kid, *std::move(scope), *std::move(key)); !added.ok()) {
      return fail(added.message());
    }
  }
  if (keys.size() == 0) return InvalidArgumentError("must name at least one key");
  return keys;
}

}  // namespace market::auth
