#include "market/pg/conninfo.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

namespace market::pg {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ParsedConninfo = std::unique_ptr<PQconninfoOption, ConninfoFree>;

ParsedConninfo Parse(std::string_view dsn) {
  char* error = nullptr;
  ParsedConninfo parsed(PQconninfoParse(std::string(dsn).c_str(), &error));
  // The error text quotes the offending part of the string, which may be a password.
  if (error != nullptr) PQfreemem(error);
  return parsed;
}

// libpq's keyword/value syntax: single quotes, with backslash escaping quotes and backslashes.
void AppendOption(std::string& out, std::string_view keyword, std::string_view value) {
  if (!out.empty()) out += ' ';
  out.append(keyword);
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

StatusOr<std::string> OverrideConninfo(std::string_view dsn, const ConninfoOverrides& overrides) {
  ParsedConninfo parsed = Parse(dsn);
  if (!parsed) {
    return InvalidArgumentError("database DSN: not a valid libpq connection string or URI");
  }
  std::string out;
  for (const PQconninfoOption* option = parsed.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string_view keyword = option->keyword;
    const bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                        [&](const auto& entry) { return entry.first == keyword; });
    if (!overridden) AppendOption(out, keyword, option->val);
  }
  for (const auto& [keyword, value] : overrides) AppendOption(out, keyword, value);
  return out;
}

std::string MakeConninfo(const ConninfoOptions& options) {
  std::string out;
  for (const auto& [keyword, value] : options) AppendOption(out, keyword, value);
  return out;
}

std::string ConninfoValue(std::string_view dsn, std::string_view keyword) {
  ParsedConninfo parsed = Parse(dsn);
  if (!parsed) return "";
  for (const PQconninfoOption* option = parsed.get(); option->keyword != nullptr; ++option) {
    if (option->val != nullptr && keyword == option->keyword) return option->val;
  }
  return "";
}

}  // namespace market::pg
