#include "market/pg/prepared.hpp"

#include <cstdint>
#include <cstdio>

namespace market::pg::internal {

std::string DefinePrepared(pqxx::work& tx, std::string_view sql) {
  // FNV-1a over the text: stable, and two statements of one program colliding in 64 bits would
  // show at once (libpqxx refuses to redefine a name with another text).
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : sql) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char name[24];
  std::snprintf(name, sizeof name, "market_%016llx", static_cast<unsigned long long>(hash));
  // A no-op when the connection already has this definition.
  tx.conn().prepare(name, std::string(sql));
  return name;
}

}  // namespace market::pg::internal
