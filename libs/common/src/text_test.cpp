#include "market/common/text.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace market::text {
namespace {

using namespace std::string_view_literals;

TEST_CASE("control characters are C0, DEL and C1, and only multi-line text keeps line breaks",
          "[text]") {
  struct Case {
    const char* name;
    std::string_view text;
    bool single_line_has_control;
    bool multi_line_has_control;
  };
  const Case cases[] = {
      {"plain ASCII", "Backend engineer", false, false},
      {"empty", "", false, false},
      {"NUL (C0)", "a\0b"sv, true, true},
      {"bell (C0)", "ring\a", true, true},
      {"escape (C0)", "\x1b[31mred", true, true},
      {"unit separator U+001F (C0)", "a\x1f", true, true},
      {"line feed", "two\nlines", true, false},
      {"carriage return", "two\r\nlines", true, false},
      {"tab", "a\tb", true, false},
      {"DEL U+007F", "a\x7f", true, true},
      {"C1 U+0080", "a\xc2\x80", true, true},
      {"C1 U+0085 next line", "a\xc2\x85z", true, true},
      {"C1 U+009B control sequence introducer", "\xc2\x9b[31m", true, true},
      {"C1 U+009F", "\xc2\x9f", true, true},
      {"U+00A0 no-break space is not a control", "a\xc2\xa0z", false, false},
      {"U+00E9 e acute", "caf\xc3\xa9", false, false},
      {"three-byte U+20AC euro sign", "\xe2\x82\xac 5", false, false},
      {"four-byte U+1F600 emoji", "\xf0\x9f\x98\x80", false, false},
      {"C2 at the very end", "a\xc2", false, false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      CHECK(HasControlCharacter(c.text) == c.single_line_has_control);
      CHECK(HasControlCharacter(c.text, Lines::kSingle) == c.single_line_has_control);
      CHECK(HasControlCharacter(c.text, Lines::kMulti) == c.multi_line_has_control);
    }
  }
}

TEST_CASE("UTF-8 validity follows RFC 3629", "[text]") {
  struct Case {
    const char* name;
    std::string_view text;
    bool valid;
  };
  const Case cases[] = {
      {"empty", "", true},
      {"ASCII with NUL", "a\0b"sv, true},
      {"two bytes U+00E9", "\xc3\xa9", true},
      {"two bytes, lowest U+0080", "\xc2\x80", true},
      {"three bytes U+20AC", "\xe2\x82\xac", true},
      {"three bytes, lowest U+0800", "\xe0\xa0\x80", true},
      {"last before surrogates U+D7FF", "\xed\x9f\xbf", true},
      {"first after surrogates U+E000", "\xee\x80\x80", true},
      {"four bytes U+1F600", "\xf0\x9f\x98\x80", true},
      {"highest U+10FFFF", "\xf4\x8f\xbf\xbf", true},
      {"Cyrillic and CJK", "\xd0\x9f\xd1\x80\xd0\xb8 \xe4\xbd\xa0\xe5\xa5\xbd", true},
      {"lone continuation byte", "\x80", false},
      {"continuation after ASCII", "a\xbf", false},
      {"truncated two-byte sequence", "\xc3", false},
      {"truncated three-byte sequence", "\xe2\x82", false},
      {"truncated four-byte sequence", "\xf0\x9f\x98", false},
      {"lead byte followed by ASCII", "\xc3(", false},
      {"overlong '/' in two bytes", "\xc0\xaf", false},
      {"overlong NUL", "\xc0\x80", false},
      {"overlong U+007F in two bytes", "\xc1\xbf", false},
      {"overlong in three bytes", "\xe0\x80\xaf", false},
      {"overlong in four bytes", "\xf0\x80\x80\xaf", false},
      {"surrogate U+D800", "\xed\xa0\x80", false},
      {"surrogate U+DFFF", "\xed\xbf\xbf", false},
      {"above U+10FFFF", "\xf4\x90\x80\x80", false},
      {"F5 lead byte", "\xf5\x80\x80\x80", false},
      {"FF byte", "\xff", false},
      {"Latin-1 e acute", "caf\xe9", false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { CHECK(IsValidUtf8(c.text) == c.valid); }
  }
}

TEST_CASE("lengths count code points, not bytes", "[text]") {
  const std::pair<std::string_view, std::size_t> cases[] = {
      {"", 0},
      {"abc", 3},
      {"caf\xc3\xa9", 4},
      {"\xe2\x82\xac\xe2\x82\xac", 2},
      {"\xf0\x9f\x98\x80!", 2},
      {"\xd0\x9f\xd1\x80\xd0\xb8", 3},
  };
  for (const auto& [text, count] : cases) {
    CAPTURE(text);
    CHECK(CodePointCount(text) == count);
  }
}

TEST_CASE("trimming removes surrounding white space only", "[text]") {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", ""},
      {"   ", ""},
      {" \t\n\r\f\v", ""},
      {"Ada", "Ada"},
      {"  Ada Lovelace \n", "Ada Lovelace"},
      {"\tinner  space\tkept\r\n", "inner  space\tkept"},
      {"\xc2\xa0"
       "Ada\xc2\xa0",
       "\xc2\xa0"
       "Ada\xc2\xa0"},  // U+00A0 is not ASCII white space
      {" caf\xc3\xa9 ", "caf\xc3\xa9"},
  };
  for (const auto& [text, trimmed] : cases) {
    CAPTURE(text);
    CHECK(Trim(text) == trimmed);
  }
  SECTION("HTTP fields trim spaces and tabs only") {
    CHECK(Trim(" \tapplication/json\t ", kHttpWhiteSpace) == "application/json");
    CHECK(Trim("\napplication/json", kHttpWhiteSpace) == "\napplication/json");
  }
}

TEST_CASE("collapsing white space trims and leaves one space between words", "[text]") {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", ""},
      {" \t ", ""},
      {"go", "go"},
      {"  Machine \t Learning ", "Machine Learning"},
      {"a\n\nb\r\nc", "a b c"},
      {"caf\xc3\xa9  au  lait", "caf\xc3\xa9 au lait"},
  };
  for (const auto& [text, collapsed] : cases) {
    CAPTURE(text);
    CHECK(CollapseWhiteSpace(text) == collapsed);
  }
}

TEST_CASE("lower-casing touches A-Z only", "[text]") {
  CHECK(ToLowerAscii("Ada@Example.COM") == "ada@example.com");
  CHECK(ToLowerAscii("\xc3\x89T\xc3\x89") == "\xc3\x89t\xc3\x89");  // "ÉTÉ": É is not ASCII
  CHECK(ToLowerAscii("") == "");
  CHECK(ToLowerAscii('Q') == 'q');
  CHECK(ToLowerAscii('[') == '[');
}

TEST_CASE("hex spells every byte as two lower-case digits", "[text]") {
  CHECK(market::text::ToHex("") == "");
  CHECK(market::text::ToHex(std::string("\x00\x01\x7f\x80\xab\xff", 6)) == "00017f80abff");
}

TEST_CASE("quoted input is cut at a code point boundary", "[text]") {
  CHECK(Quoted("EUR") == "\"EUR\"");
  CHECK(Quoted("") == "\"\"");
  CHECK(Quoted("abcdef", 6) == "\"abcdef\"");
  CHECK(Quoted("abcdefg", 6) == "\"abcdef...\"");
  CHECK(Quoted("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\"\xc3\xa9\xc3\xa9...\"");
  CHECK(Quoted("\xf0\x9f\x98\x80x", 1) == "\"\xf0\x9f\x98\x80...\"");
  CHECK(IsValidUtf8(Quoted("\xe2\x82\xac\xe2\x82\xac", 1)));
}

}  // namespace
}  // namespace market::text
