// Text checks and clean-ups shared by every validator: UTF-8 well-formedness, length in code
// points, control characters, trimming, collapsing white space, ASCII case and quoting user
// input inside an error message.
//
//   const std::string_view name = market::text::Trim(request.display_name());   // "Ada"
//   if (market::text::CodePointCount(name) > 100) ...       // "é" is one character, not two
//   if (market::text::HasControlCharacter(name)) ...        // C0, DEL and C1 controls
//   if (market::text::HasControlCharacter(bio, market::text::Lines::kMulti)) ...
//   market::text::CollapseWhiteSpace("  Machine \t Learning ") == "Machine Learning"
//
// Everything here works on bytes and is locale-free: "white space" and "letter case" mean ASCII
// only, so a result never depends on the machine's locale.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace market::text {

// What C's isspace() calls white space in the "C" locale.
inline constexpr std::string_view kAsciiWhiteSpace = " \t\n\r\f\v";
// RFC 9110 section 5.6.3: optional white space inside HTTP fields is spaces and tabs only.
inline constexpr std::string_view kHttpWhiteSpace = " \t";

bool IsAsciiWhiteSpace(char c);

// Whether `text` is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
// sequence, no overlong form, no UTF-16 surrogate (U+D800..U+DFFF), nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);

// The number of code points in `text`, so that a length limit means what a user sees. Exact for
// valid UTF-8 (check with IsValidUtf8 first when the text has not been); for other bytes it
// counts those that do not continue a sequence.
std::size_t CodePointCount(std::string_view text);

// Which white-space controls a field may keep: a single-line field none, a multi-line one line
// feed, carriage return and tab.
enum class Lines { kSingle, kMulti };

// Whether `text` holds a control character: C0 (U+0000..U+001F), DEL (U+007F) or C1
// (U+0080..U+009F, UTF-8 C2 80..C2 9F). They are invisible and can disguise text, e.g. U+0085
// is a line break to some renderers and U+009B starts a terminal escape sequence.
bool HasControlCharacter(std::string_view text, Lines lines = Lines::kSingle);

// `text` without leading and trailing characters from `white_space`.
std::string_view Trim(std::string_view text, std::string_view white_space = kAsciiWhiteSpace);

// `text` trimmed, with each inner run of ASCII white space replaced by one space.
std::string CollapseWhiteSpace(std::string_view text);

char ToLowerAscii(char c);
// `text` with A-Z lower-cased; every other byte, UTF-8 included, is kept as it is.
std::string ToLowerAscii(std::string_view text);

// Every byte of `bytes` as two lower-case hexadecimal digits: "\x01\xab" gives "01ab".
std::string ToHex(std::string_view bytes);

// `text` in double quotes for an error message, cut after `max_code_points` code points (and
// marked with "...") so that a hostile value cannot bloat the reply. The cut never splits a
// UTF-8 sequence.
std::string Quoted(std::string_view text, std::size_t max_code_points = std::string_view::npos);

}  // namespace market::text
