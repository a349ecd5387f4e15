#include "market/pg/identifier.hpp"

namespace market::pg {
namespace {

// NAMEDATALEN - 1: PostgreSQL silently truncates longer names, which would let two configured
// names collide.
constexpr std::size_t kMaxIdentifierLength = 63;

bool IsLowerOrUnderscore(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidIdentifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdentifierLength) return false;
  if (!IsLowerOrUnderscore(name.front())) return false;
  for (char c : name) {
    if (!IsLowerOrUnderscore(c) && !IsDigit(c)) return false;
  }
  return true;
}

Status ValidateIdentifier(std::string_view field, std::string_view name) {
  if (IsValidIdentifier(name)) return OkStatus();
  return InvalidArgumentError(std::string(field) +
                              ": must be 1 to 63 characters of a-z, 0-9 and _, not starting "
                              "with a digit");
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace market::pg
