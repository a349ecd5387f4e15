// market-listings-demo: fills listings' schema with realistic demo data (demo_generator.hpp).
//
//   market-listings-demo --jobs 1000000 [--freelancers N] [--offers N] [--seed N]
//
// It connects exactly as the listings service does (the MARKET_PG_* settings, schema
// MARKET_PG_SCHEMA), applies listings' migrations first, and adds to what is there.
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "demo_generator.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/common/config.hpp"
#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/migrations.hpp"
#include "market/runtime/service_config.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: market-listings-demo [--jobs N] [--freelancers N] [--offers N] [--seed N]\n";

bool ParseCount(std::string_view text, std::uint64_t& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace market;
  listings::demo::DemoSize size;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    std::uint64_t value = 0;
    if (i + 1 >= argc || !ParseCount(argv[i + 1], value)) {
      std::fputs(kUsage.data(), stderr);
      return 2;
    }
    ++i;
    if (flag == "--jobs") {
      size.jobs = value;
    } else if (flag == "--freelancers") {
      size.freelancers = value;
    } else if (flag == "--offers") {
      size.offers = value;
    } else if (flag == "--seed") {
      size.seed = value;
    } else {
      std::fputs(kUsage.data(), stderr);
      return 2;
    }
  }

  config::Env env;
  auto loaded = runtime::LoadServiceConfig(listings::kIdentity, env);
  if (Status checked = env.Check(); !loaded.ok() || !checked.ok()) {
    log::Error("bad configuration",
               {{"error", loaded.ok() ? checked.message() : loaded.status().message()}});
    return 2;
  }
  pg::Pool pool(loaded->pg);
  if (Status migrated = pg::ApplyMigrations(pool, loaded->pg_schema,
                                            {&events::OutboxMigrations(), &migrations::listings()});
      !migrated.ok()) {
    log::Error("migrations failed", {{"error", migrated.message()}});
    return 1;
  }
  listings::demo::DemoGenerator generator(pool, loaded->pg_schema, size);
  if (Status done = generator.Run(); !done.ok()) {
    log::Error("demo data failed", {{"error", done.message()}});
    return 1;
  }
  return 0;
}
