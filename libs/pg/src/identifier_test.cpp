#include "market/pg/identifier.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "market/pg/bootstrap.hpp"

namespace {

using market::StatusCode;
using market::pg::IsValidIdentifier;

}  // namespace

TEST_CASE("identifiers are lower-case letters, digits and underscores, at most 63 long", "[pg]") {
  const std::vector<std::string> valid{"listings", "_private", "bidding_v2", "a",
                                       std::string(63, 'a')};
  for (const std::string& name : valid) {
    INFO(name);
    CHECK(IsValidIdentifier(name));
  }
  const std::vector<std::string> invalid{"",
                                         "2fast",
                                         "Listings",
                                         "job-bids",
                                         "job bids",
                                         "a\"b",
                                         "x;drop",
                                         "a.b",
                                         "caf\xc3\xa9",
                                         std::string("a\0b", 3),
                                         std::string(64, 'a')};
  for (const std::string& name : invalid) {
    INFO(name);
    CHECK_FALSE(IsValidIdentifier(name));
  }
}

TEST_CASE("an invalid identifier is an invalid_argument naming the field", "[pg]") {
  const market::Status status = market::pg::ValidateIdentifier("schema", "Bad-Name");
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message().rfind("schema:", 0) == 0);
  CHECK(market::pg::ValidateIdentifier("schema", "good_name").ok());
}

TEST_CASE("quoted identifiers cannot break out of their quotes", "[pg]") {
  CHECK(market::pg::QuoteIdentifier("listings") == "\"listings\"");
  CHECK(market::pg::QuoteIdentifier("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("a service database must use names PostgreSQL does not reserve", "[pg]") {
  const market::pg::ServiceDatabase good{"listings", "listings_app", "secret"};
  CHECK(market::pg::ValidateServiceDatabase(good).ok());

  struct Case {
    market::pg::ServiceDatabase database;
    std::string field;
  };
  const Case cases[] = {
      {{"Listings", "listings", "secret"}, "schema"},
      {{"listings", "listings; drop", "secret"}, "role"},
      {{"pg_catalog", "listings", "secret"}, "schema"},
      {{"public", "listings", "secret"}, "schema"},
      {{"information_schema", "listings", "secret"}, "schema"},
      {{"listings", "pg_monitor", "secret"}, "role"},
      {{"listings", "public", "secret"}, "role"},
      {{"listings", "postgres", "secret"}, "role"},
      {{"listings", "listings", ""}, "password"},
      {{"listings", "listings", std::string("se\0cret", 7)}, "password"},
  };
  for (const Case& c : cases) {
    INFO(c.database.schema << " / " << c.database.role);
    const market::Status status = market::pg::ValidateServiceDatabase(c.database);
    CHECK(status.code() == StatusCode::kInvalidArgument);
    CHECK(status.message().rfind(c.field + ":", 0) == 0);
  }
}
