#include "market/pg/arrays.hpp"

#include <pqxx/except>

#include "market/common/text.hpp"

namespace market::pg {
namespace {

[[noreturn]] void Malformed(std::string_view why) {
  throw pqxx::conversion_error("text array: " + std::string(why));
}

// Reads one element at `pos` of the text between the braces and moves `pos` past it. The rules
// are array_in's for one dimension: an element is double-quoted, with backslash escaping any
// character, or unquoted, where backslashes escape too and the bare word NULL means NULL.
std::string ReadElement(std::string_view body, std::size_t& pos) {
  std::string element;
  while (pos < body.size() && text::IsAsciiWhiteSpace(body[pos])) ++pos;
  if (pos < body.size() && body[pos] == '"') {
    ++pos;
    while (true) {
      if (pos == body.size()) Malformed("unterminated quoted element");
      const char c = body[pos++];
      if (c == '"') break;
      if (c == '\\') {
        if (pos == body.size()) Malformed("unterminated quoted element");
        element += body[pos++];
      } else {
        element += c;
      }
    }
    while (pos < body.size() && text::IsAsciiWhiteSpace(body[pos])) ++pos;
    return element;
  }
  bool escaped = false;
  std::size_t kept = 0;  // length without trailing white space that was not escaped
  while (pos < body.size() && body[pos] != ',') {
    const char c = body[pos++];
    if (c == '{' || c == '}') Malformed("only one-dimensional arrays can be read");
    if (c == '"') Malformed("a quote inside an unquoted element");
    if (c == '\\') {
      if (pos == body.size()) Malformed("a backslash at the end");
      element += body[pos++];
      escaped = true;
      kept = element.size();
    } else {
      element += c;
      if (!text::IsAsciiWhiteSpace(c)) kept = element.size();
    }
  }
  element.resize(kept);
  if (element.empty() && !escaped) Malformed("an empty unquoted element");
  if (!escaped && text::ToLowerAscii(element) == "null") {
    Malformed("a NULL element cannot be read as a string");
  }
  return element;
}

}  // namespace

std::string ToArrayLiteral(const std::vector<std::string>& elements) {
  std::string literal = "{";
  for (const std::string& element : elements) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (const char c : element) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

std::vector<std::string> ParseTextArray(std::string_view literal) {
  const std::string_view trimmed = text::Trim(literal);
  // A "[2:3]={...}" prefix marks bounds other than 1; no array written here has one.
  if (trimmed.size() < 2 || trimmed.front() != '{' || trimmed.back() != '}') {
    Malformed("not a one-dimensional array literal");
  }
  const std::string_view body = trimmed.substr(1, trimmed.size() - 2);
  std::vector<std::string> elements;
  if (text::Trim(body).empty()) return elements;
  std::size_t pos = 0;
  while (true) {
    elements.push_back(ReadElement(body, pos));
    if (pos == body.size()) return elements;
    if (body[pos] != ',') Malformed("elements must be separated by commas");
    ++pos;
  }
}

std::vector<std::string> ReadTextArray(const pqxx::field& field) {
  if (field.is_null()) {
    throw pqxx::conversion_error("text array: column " + std::string(field.name()) + " is NULL");
  }
  return ParseTextArray(std::string_view(field.c_str(), field.size()));
}

}  // namespace market::pg
