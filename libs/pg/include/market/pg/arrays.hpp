// PostgreSQL text[] to and from std::vector<std::string>: the one array encoding every
// repository uses. A list travels as one parameter, an array literal cast in the SQL, and comes
// back as the array column itself, read by name:
//
//   tx.exec_params("UPDATE profiles SET skills = $2::text[] WHERE freelancer_id = $1::uuid",
//                  id, market::pg::ToArrayLiteral(skills));
//   const std::vector<std::string> skills = market::pg::ReadTextArray(row["skills"]);
//
// The literal double-quotes every element, so commas, braces, quotes, backslashes, white space,
// the word NULL and the empty string all arrive as they were sent, in order; UTF-8 passes
// through unchanged. The same literal serves other element types: '{"1","2"}'::bigint[].
#pragma once

#include <string>
#include <string_view>
#include <vector>

// pqxx 6 needs the whole result header for pqxx::field to compile.
#include <pqxx/result>

namespace market::pg {

// {"a","b \"quoted\"","c\\d"}: the array literal of `elements` (PostgreSQL docs, section 8.15.6).
std::string ToArrayLiteral(const std::vector<std::string>& elements);

// The elements of a one-dimensional array in PostgreSQL's text form, e.g. {a,"b c",NULL}.
// pqxx::conversion_error when it is malformed, has more than one dimension or holds a NULL
// element (a std::string cannot say NULL; columns read this way are NOT NULL arrays of non-NULL
// elements). The text is read byte by byte, which is right for UTF-8 and every other encoding
// a PostgreSQL server may use: none has a multi-byte character containing an ASCII byte.
// (libpqxx 6's own array_parser aborts the process on some malformed input, so it is not used.)
std::vector<std::string> ParseTextArray(std::string_view literal);

// ParseTextArray of an array column; pqxx::conversion_error also when the column is NULL.
std::vector<std::string> ReadTextArray(const pqxx::field& field);

}  // namespace market::pg
