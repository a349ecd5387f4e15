#include "market/pg/arrays.hpp"

#include <catch2/catch.hpp>

#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace market::pg {
namespace {

using Elements = std::vector<std::string>;

// Writes `elements` through a text[] parameter and reads the stored array back by name.
Elements RoundTrip(Pool& pool, const Elements& elements) {
  auto stored = InTransaction(pool, [&](pqxx::work& work) -> StatusOr<Elements> {
    const pqxx::row row =
        work.exec_params1("SELECT $1::text[] AS elements, cardinality($1::text[]) AS element_count",
                          ToArrayLiteral(elements));
    CHECK(row["element_count"].as<std::size_t>() == elements.size());
    return ReadTextArray(row["elements"]);
  });
  REQUIRE(stored.ok());
  return *stored;
}

TEST_CASE("text arrays survive a round trip through PostgreSQL unchanged", "[pg][integration]") {
  const auto db = testing::CreateServiceDatabase("arrays");
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  const Elements cases[] = {
      {},
      {""},
      {"go", "rust", "c++"},
      {"a,b", "{c}", "(d)", "e;f"},
      {R"(say "hi")", R"(C:\dir\)", R"(\")", "it's"},
      {"NULL", "null", " padded ", "two\nlines", "tab\there"},
      {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80"},
  };
  for (const Elements& elements : cases) {
    CAPTURE(ToArrayLiteral(elements));
    CHECK(RoundTrip(pool, elements) == elements);
  }
}

TEST_CASE("the literal also fills arrays of other element types", "[pg][integration]") {
  const auto db = testing::CreateServiceDatabase("arrays");
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  auto sum = InTransaction(pool, [&](pqxx::work& work) -> StatusOr<std::int64_t> {
    return work
        .exec_params1("SELECT sum(id) AS total FROM unnest($1::bigint[]) AS ids(id)",
                      ToArrayLiteral({"1", "20", "300"}))["total"]
        .as<std::int64_t>();
  });
  REQUIRE(sum.ok());
  CHECK(*sum == 321);
}

TEST_CASE("a NULL array or element is refused, not read as empty", "[pg][integration]") {
  const auto db = testing::CreateServiceDatabase("arrays");
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  const Status read = InTransaction(pool, [&](pqxx::work& work) -> Status {
    const pqxx::row row =
        work.exec1("SELECT NULL::text[] AS no_array, ARRAY['a', NULL] AS null_element");
    CHECK_THROWS_AS(ReadTextArray(row["no_array"]), pqxx::conversion_error);
    CHECK_THROWS_AS(ReadTextArray(row["null_element"]), pqxx::conversion_error);
    return OkStatus();
  });
  CHECK(read.ok());
}

}  // namespace
}  // namespace market::pg
