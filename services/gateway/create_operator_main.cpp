// market-create-operator: the bootstrap of operator accounts. Reads the gateway's database
// settings (MARKET_PG_*) like the gateway itself, applies its migrations, and creates one
// operator. The password comes from MARKET_OPERATOR_PASSWORD, never the command line, which
// other users of the machine can read.
#include <iostream>
#include <map>
#include <string>

#include "gateway_identity.hpp"
#include "gateway_migrations.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/migrations.hpp"
#include "operator_accounts.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: MARKET_OPERATOR_PASSWORD=... market-create-operator --email EMAIL "
    "--display-name NAME --country CC --currency CUR\n";

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  const char* password = std::getenv("MARKET_OPERATOR_PASSWORD");
  if (argc != 9 || !args.contains("--email") || !args.contains("--display-name") ||
      !args.contains("--country") || !args.contains("--currency") || password == nullptr) {
    std::cerr << kUsage;
    return 2;
  }

  market::config::Env env;
  auto config = market::runtime::LoadServiceConfig(market::gateway::kIdentity, env);
  if (!config.ok()) {
    std::cerr << config.status() << "\n";
    return 1;
  }
  market::pg::Pool pool(config->pg);
  const market::Status migrated = market::pg::ApplyMigrations(
      pool, config->pg_schema,
      {&market::events::OutboxMigrations(), &market::migrations::gateway()});
  if (!migrated.ok()) {
    std::cerr << "migrations: " << migrated << "\n";
    return 1;
  }
  auto created = market::gateway::CreateOperator(pool, {.email = args["--email"],
                                                        .password = password,
                                                        .display_name = args["--display-name"],
                                                        .country = args["--country"],
                                                        .preferred_currency = args["--currency"]});
  if (!created.ok()) {
    std::cerr << created.status() << "\n";
    return 1;
  }
  std::cout << "operator account " << created->id << " created for " << created->email << "\n";
  return 0;
}
