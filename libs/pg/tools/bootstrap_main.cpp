// market-db-bootstrap: creates or updates one service's database role and schema.
//
//   MARKET_DB_PASSWORD=... market-db-bootstrap --admin-dsn DSN --schema listings --role listings
//
// The password comes from the environment, never from the command line, where any local user
// could read it in the process list. For the same reason the admin DSN may come from
// MARKET_DB_ADMIN_DSN instead of --admin-dsn.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>

#include "market/pg/bootstrap.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: MARKET_DB_PASSWORD=... market-db-bootstrap --admin-dsn DSN --schema SCHEMA "
    "--role ROLE\n"
    "  --admin-dsn may be replaced by the environment variable MARKET_DB_ADMIN_DSN\n";

int Fail(std::string_view message) {
  std::cerr << "market-db-bootstrap: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags{{"--admin-dsn", ""}, {"--schema", ""}, {"--role", ""}};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    auto found = flags.find(flag);
    if (found == flags.end() || i + 1 >= argc) {
      std::cerr << kUsage;
      return Fail(found == flags.end() ? "unknown argument " + flag : flag + " needs a value");
    }
    found->second = argv[++i];
  }
  if (flags["--admin-dsn"].empty()) {
    if (const char* dsn = std::getenv("MARKET_DB_ADMIN_DSN")) flags["--admin-dsn"] = dsn;
  }
  if (flags["--admin-dsn"].empty()) {
    return Fail("--admin-dsn (or MARKET_DB_ADMIN_DSN) is required");
  }
  if (flags["--schema"].empty()) return Fail("--schema is required");
  if (flags["--role"].empty()) return Fail("--role is required");
  const char* password = std::getenv("MARKET_DB_PASSWORD");
  if (password == nullptr || *password == '\0') {
    return Fail("MARKET_DB_PASSWORD must hold the role's password");
  }

  const market::pg::ServiceDatabase database{flags["--schema"], flags["--role"], password};
  const market::Status status =
      market::pg::BootstrapServiceDatabase(flags["--admin-dsn"], database);
  if (!status.ok()) return Fail(status.ToString());
  std::cout << "market-db-bootstrap: role " << database.role << " owns schema " << database.schema
            << "\n";
  return 0;
}
