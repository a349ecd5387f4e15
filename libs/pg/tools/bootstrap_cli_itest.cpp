// market-db-bootstrap as the local stack script runs it: arguments, password from the
// environment, exit status.
#include <spawn.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

#include "market/pg/conninfo.hpp"
#include "market/pg/pool.hpp"
#include "market/testing/postgres.hpp"

extern char** environ;

namespace {

// Runs the tool with `args` and the test's environment plus `extra_env`; its exit status.
int RunTool(std::vector<std::string> args, std::vector<std::string> extra_env) {
  args.insert(args.begin(), MARKET_DB_BOOTSTRAP_PATH);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string(*entry).rfind("MARKET_DB_", 0) != 0) envp.push_back(*entry);
  }
  for (std::string& entry : extra_env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()) == 0);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) REQUIRE(errno == EINTR);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

std::string UniqueName() {
  // A fresh bootstrapped database supplies a unique name; the tool then manages a sibling.
  return market::testing::CreateServiceDatabase("cli").schema + "_tool";
}

}  // namespace

TEST_CASE("market-db-bootstrap creates a role that can log in to its schema", "[pg][cli]") {
  const std::string name = UniqueName();
  const std::string admin_dsn = market::testing::PgAdminDsn();
  CHECK(RunTool({"--admin-dsn", admin_dsn, "--schema", name, "--role", name},
                {"MARKET_DB_PASSWORD=tool-secret"}) == 0);

  market::pg::Pool pool(
      {.dsn = market::pg::OverrideConninfo(admin_dsn, {{"user", name}, {"password", "tool-secret"}})
                  .value(),
       .max_connections = 1});
  CHECK(pool.Ping().ok());

  SECTION("the admin DSN may come from the environment") {
    CHECK(RunTool({"--schema", name, "--role", name},
                  {"MARKET_DB_PASSWORD=tool-secret", "MARKET_DB_ADMIN_DSN=" + admin_dsn}) == 0);
  }
}

TEST_CASE("market-db-bootstrap fails clearly on bad input", "[pg][cli]") {
  const std::string admin_dsn = market::testing::PgAdminDsn();
  SECTION("no password in the environment") {
    CHECK(RunTool({"--admin-dsn", admin_dsn, "--schema", "cli_nopw", "--role", "cli_nopw"}, {}) ==
          1);
  }
  SECTION("a malformed name") {
    CHECK(RunTool({"--admin-dsn", admin_dsn, "--schema", "Bad;Name", "--role", "cli_bad"},
                  {"MARKET_DB_PASSWORD=pw"}) == 1);
  }
  SECTION("an unknown argument") {
    CHECK(RunTool({"--password", "pw"}, {"MARKET_DB_PASSWORD=pw"}) == 1);
  }
  SECTION("a missing role") {
    CHECK(RunTool({"--admin-dsn", admin_dsn, "--schema", "cli_norole"},
                  {"MARKET_DB_PASSWORD=pw"}) == 1);
  }
}
