#include "market/pg/arrays.hpp"

#include <catch2/catch.hpp>

#include <pqxx/except>

namespace market::pg {
namespace {

using Elements = std::vector<std::string>;

TEST_CASE("an array literal quotes every element and escapes quotes and backslashes", "[pg]") {
  struct Case {
    const char* name;
    Elements elements;
    std::string literal;
  };
  const Case cases[] = {
      {"empty array", {}, "{}"},
      {"one plain element", {"go"}, R"({"go"})"},
      {"order is kept", {"b", "a", "c"}, R"({"b","a","c"})"},
      {"empty string", {""}, R"({""})"},
      {"comma and braces", {"a,b", "{c}"}, R"({"a,b","{c}"})"},
      {"double quote", {R"(say "hi")"}, R"({"say \"hi\""})"},
      {"backslash", {R"(C:\dir\)"}, R"({"C:\\dir\\"})"},
      {"the word NULL is text", {"NULL", "null"}, R"({"NULL","null"})"},
      {"white space is kept", {" padded ", "two\nlines"}, "{\" padded \",\"two\nlines\"}"},
      {"non-ASCII",
       {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"},
       "{\"caf\xc3\xa9\",\"\xe6\x97\xa5\xe6\x9c\xac\"}"},
      {"single quote needs no escape", {"it's"}, R"({"it's"})"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      CHECK(ToArrayLiteral(c.elements) == c.literal);
      CHECK(ParseTextArray(c.literal) == c.elements);
    }
  }
}

TEST_CASE("PostgreSQL's own array output is read back", "[pg]") {
  // What array_out writes: quotes only around elements that need them.
  struct Case {
    const char* literal;
    Elements elements;
  };
  const Case cases[] = {
      {"{}", {}},
      {"{go,rust}", {"go", "rust"}},
      {R"({"machine learning",c++})", {"machine learning", "c++"}},
      {R"({"a,b","{c}",""})", {"a,b", "{c}", ""}},
      {R"({"say \"hi\"","C:\\dir"})", {R"(say "hi")", R"(C:\dir)"}},
      {R"({"NULL"})", {"NULL"}},
      {R"({\NULL,nullable})", {"NULL", "nullable"}},
      {R"({ a , "b c" ,d})", {"a", "b c", "d"}},
      {R"({a\,b,c\"d})", {"a,b", R"(c"d)"}},
      {"{caf\xc3\xa9,\xe6\x97\xa5\xe6\x9c\xac}", {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.literal);
    CHECK(ParseTextArray(c.literal) == c.elements);
  }
}

TEST_CASE("NULL elements, nested arrays and malformed text are refused", "[pg]") {
  for (const std::string_view literal : {
           "{NULL}",
           "{a,null}",
           "{{a,b},{c,d}}",
           "{a,{b}}",
           "",
           "{",
           "}",
           "a,b",
           "[0:1]={a,b}",
           R"({"unterminated})",
           R"({"a"b})",
           R"({a"b})",
           "{a,}",
           "{,a}",
           "{a,,b}",
           R"({a\})",
           R"({"a\"})",
       }) {
    CAPTURE(literal);
    CHECK_THROWS_AS(ParseTextArray(literal), pqxx::conversion_error);
  }
}

}  // namespace
}  // namespace market::pg
