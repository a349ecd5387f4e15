#include "market/pg/conninfo.hpp"

#include <catch2/catch.hpp>

using market::pg::ConninfoValue;
using market::pg::MakeConninfo;
using market::pg::OverrideConninfo;

TEST_CASE("a URI DSN keeps its settings and takes the overrides", "[pg]") {
  auto dsn = OverrideConninfo("postgresql://postgres@127.0.0.1:55432/market?sslmode=disable",
                              {{"user", "listings"}, {"password", "s3cret"}});
  REQUIRE(dsn.ok());
  CHECK(ConninfoValue(*dsn, "host") == "127.0.0.1");
  CHECK(ConninfoValue(*dsn, "port") == "55432");
  CHECK(ConninfoValue(*dsn, "dbname") == "market");
  CHECK(ConninfoValue(*dsn, "sslmode") == "disable");
  CHECK(ConninfoValue(*dsn, "user") == "listings");
  CHECK(ConninfoValue(*dsn, "password") == "s3cret");
}

TEST_CASE("a keyword/value DSN takes the overrides in place of its own values", "[pg]") {
  auto dsn = OverrideConninfo("host=db port=5432 connect_timeout=30", {{"connect_timeout", "3"}});
  REQUIRE(dsn.ok());
  CHECK(ConninfoValue(*dsn, "connect_timeout") == "3");
  CHECK(ConninfoValue(*dsn, "host") == "db");
}

TEST_CASE("values with quotes, backslashes and spaces survive the rewrite", "[pg]") {
  const std::string password = R"(it's a \ "pass" word)";
  auto dsn = OverrideConninfo("host=db", {{"password", password}});
  REQUIRE(dsn.ok());
  CHECK(ConninfoValue(*dsn, "password") == password);
  CHECK(ConninfoValue(*dsn, "host") == "db");
}

TEST_CASE("a malformed DSN is rejected without repeating it", "[pg]") {
  auto dsn = OverrideConninfo("host=db password='unterminated", {});
  REQUIRE_FALSE(dsn.ok());
  CHECK(dsn.status().code() == market::StatusCode::kInvalidArgument);
  CHECK(dsn.status().message().find("unterminated") == std::string::npos);

  CHECK_FALSE(OverrideConninfo("nosuchoption=1", {}).ok());
  CHECK(ConninfoValue("host=db password='unterminated", "host").empty());
}

TEST_CASE("a connection string made from options quotes every value", "[pg]") {
  const std::string password = R"(it's a \ "pass" word)";
  const std::string dsn = MakeConninfo({{"host", "db.example"},
                                        {"port", "5432"},
                                        {"dbname", "my market"},
                                        {"password", password},
                                        {"application_name", ""}});
  CHECK(dsn ==
        R"(host='db.example' port='5432' dbname='my market' password='it\'s a \\ "pass" word' )"
        R"(application_name='')");
  CHECK(ConninfoValue(dsn, "host") == "db.example");
  CHECK(ConninfoValue(dsn, "port") == "5432");
  CHECK(ConninfoValue(dsn, "dbname") == "my market");
  CHECK(ConninfoValue(dsn, "password") == password);
  CHECK(OverrideConninfo(dsn, {}).ok());
  CHECK(MakeConninfo({}).empty());
}
