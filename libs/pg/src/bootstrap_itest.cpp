#include "market/pg/bootstrap.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "market/pg/conninfo.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace {

using market::OkStatus;
using market::Status;
using market::StatusCode;
using market::pg::InTransaction;
using market::pg::Pool;

Status Run(Pool& pool, const std::string& sql) {
  return InTransaction(pool, [&](pqxx::work& work) {
    work.exec(sql);
    return OkStatus();
  });
}

std::string AdminScalar(const std::string& sql, const std::string& parameter) {
  pqxx::connection admin(market::testing::PgAdminDsn());
  pqxx::nontransaction query(admin);
  const pqxx::result result = query.exec_params(sql, parameter);
  return result.empty() || result[0][0].is_null() ? "" : result[0][0].as<std::string>();
}

std::string DsnFor(const std::string& role, const std::string& password) {
  return market::pg::OverrideConninfo(market::testing::PgAdminDsn(),
                                      {{"user", role}, {"password", password}})
      .value();
}

}  // namespace

TEST_CASE("a service role works in its own schema and nowhere else", "[pg][bootstrap]") {
  const auto listings = market::testing::CreateServiceDatabase("iso_listings");
  const auto escrow = market::testing::CreateServiceDatabase("iso_escrow");
  Pool listings_pool({.dsn = listings.dsn, .max_connections = 2});
  Pool escrow_pool({.dsn = escrow.dsn, .max_connections = 2});

  // Unqualified names land in the role's own schema.
  REQUIRE(Run(escrow_pool,
              "CREATE TABLE transfers (amount bigint); INSERT INTO transfers "
              "VALUES (100)")
              .ok());
  REQUIRE(Run(listings_pool, "CREATE TABLE jobs (id integer)").ok());
  CHECK(AdminScalar("SELECT schemaname::text FROM pg_tables WHERE tablename = 'jobs' AND "
                    "tableowner = $1",
                    listings.role) == listings.schema);

  const std::string other = escrow.schema;
  CHECK(Run(listings_pool, "SELECT * FROM " + other + ".transfers").code() ==
        StatusCode::kPermissionDenied);
  CHECK(Run(listings_pool, "UPDATE " + other + ".transfers SET amount = 0").code() ==
        StatusCode::kPermissionDenied);
  CHECK(Run(listings_pool, "CREATE TABLE " + other + ".planted (id integer)").code() ==
        StatusCode::kPermissionDenied);
  CHECK(Run(listings_pool, "CREATE TABLE public.planted (id integer)").code() ==
        StatusCode::kPermissionDenied);
  CHECK(Run(listings_pool, "CREATE SCHEMA planted").code() == StatusCode::kPermissionDenied);
  CHECK(AdminScalar("SELECT (rolcreaterole OR rolcreatedb OR rolsuper OR rolbypassrls)::text "
                    "FROM pg_roles WHERE rolname = $1",
                    listings.role) == "false");
}

TEST_CASE("a service role's sessions run without JIT compilation", "[pg][bootstrap]") {
  const auto listings = market::testing::CreateServiceDatabase("nojit_listings");
  pqxx::connection connection(listings.dsn);
  pqxx::nontransaction query(connection);
  CHECK(query.exec("SHOW jit")[0][0].as<std::string>() == "off");
}

TEST_CASE("bootstrap closes schema public even where a cluster left it open", "[pg][bootstrap]") {
  {
    pqxx::connection admin(market::testing::PgAdminDsn());
    pqxx::nontransaction query(admin);
    query.exec("GRANT CREATE ON SCHEMA public TO PUBLIC");
  }
  const auto db = market::testing::CreateServiceDatabase("public_closed");
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  CHECK(Run(pool, "CREATE TABLE public.planted (id integer)").code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("bootstrapping again rotates the password and keeps the data", "[pg][bootstrap]") {
  const auto db = market::testing::CreateServiceDatabase("rotate");
  {
    Pool pool({.dsn = db.dsn, .max_connections = 1});
    REQUIRE(Run(pool, "CREATE TABLE kept (id integer); INSERT INTO kept VALUES (7)").ok());
  }
  REQUIRE(market::pg::BootstrapServiceDatabase(market::testing::PgAdminDsn(),
                                               {db.schema, db.role, "the-new-password"})
              .ok());

  Pool old_password({.dsn = db.dsn, .max_connections = 1});
  CHECK(old_password.Ping().code() == StatusCode::kUnavailable);

  Pool new_password({.dsn = DsnFor(db.role, "the-new-password"), .max_connections = 1});
  auto kept = InTransaction(new_password, [](pqxx::work& work) -> market::StatusOr<int> {
    return work.exec1("SELECT id FROM kept")[0].as<int>();
  });
  REQUIRE(kept.ok());
  CHECK(*kept == 7);
}

TEST_CASE("the password reaches the server only as a SCRAM secret", "[pg][bootstrap]") {
  const auto db = market::testing::CreateServiceDatabase("scram");
  const std::string stored =
      AdminScalar("SELECT rolpassword FROM pg_authid WHERE rolname = $1", db.role);
  CHECK(stored.rfind("SCRAM-SHA-256$", 0) == 0);
  CHECK(stored.find(db.password) == std::string::npos);
}

TEST_CASE("bootstrap refuses to take over superusers and other roles' schemas", "[pg][bootstrap]") {
  const auto db = market::testing::CreateServiceDatabase("takeover");
  const std::string admin_dsn = market::testing::PgAdminDsn();

  SECTION("a schema owned by another role") {
    const Status status =
        market::pg::BootstrapServiceDatabase(admin_dsn, {db.schema, db.role + "_x", "pw"});
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(AdminScalar("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1",
                      db.schema) == db.role);
    // Nothing of the refused run stays behind: the role was created in the same transaction.
    CHECK(AdminScalar("SELECT rolname FROM pg_roles WHERE rolname = $1", db.role + "_x").empty());
  }

  SECTION("a superuser role") {
    const std::string superuser = db.role + "_su";
    {
      pqxx::connection admin(admin_dsn);
      pqxx::nontransaction query(admin);
      query.exec("CREATE ROLE " + superuser + " SUPERUSER");
    }
    const Status status =
        market::pg::BootstrapServiceDatabase(admin_dsn, {db.schema + "_su", superuser, "pw"});
    CHECK(status.code() == StatusCode::kFailedPrecondition);
    CHECK(AdminScalar("SELECT rolsuper::text FROM pg_roles WHERE rolname = $1", superuser) ==
          "true");
  }
}

TEST_CASE("bootstrap against an unreachable server reports unavailable", "[pg][bootstrap]") {
  const std::string dsn =
      market::pg::OverrideConninfo(market::testing::PgAdminDsn(), {{"port", "1"}}).value();
  CHECK(market::pg::BootstrapServiceDatabase(dsn, {"somewhere", "someone", "pw"}).code() ==
        StatusCode::kUnavailable);
}
