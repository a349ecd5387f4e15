#include "market/pg/errors.hpp"

#include <catch2/catch.hpp>
#include <pqxx/except>

#include <functional>
#include <memory>
#include <stdexcept>

namespace {

using market::StatusCode;

constexpr char kServerText[] = "Key (email)=(ann@example.com) already exists";
constexpr char kQuery[] = "INSERT INTO accounts (email) VALUES ($1)";

struct Case {
  const char* what;
  std::function<std::unique_ptr<std::exception>()> make;
  StatusCode code;
  bool retryable;
};

template <typename E>
std::function<std::unique_ptr<std::exception>()> Sql(const char* sqlstate) {
  return [sqlstate] { return std::make_unique<E>(kServerText, kQuery, sqlstate); };
}

template <typename E>
std::function<std::unique_ptr<std::exception>()> Plain() {
  return [] { return std::make_unique<E>(kServerText); };
}

}  // namespace

TEST_CASE("database exceptions map to the Connect code a caller can act on", "[pg]") {
  const Case cases[] = {
      {"unique", Sql<pqxx::unique_violation>("23505"), StatusCode::kAlreadyExists, false},
      {"foreign key", Sql<pqxx::foreign_key_violation>("23503"), StatusCode::kFailedPrecondition,
       false},
      {"check", Sql<pqxx::check_violation>("23514"), StatusCode::kFailedPrecondition, false},
      {"not null", Sql<pqxx::not_null_violation>("23502"), StatusCode::kFailedPrecondition, false},
      {"restrict", Sql<pqxx::restrict_violation>("23001"), StatusCode::kFailedPrecondition, false},
      {"exclusion", Sql<pqxx::sql_error>("23P01"), StatusCode::kFailedPrecondition, false},
      {"serialization", Plain<pqxx::serialization_failure>(), StatusCode::kAborted, true},
      {"deadlock", Plain<pqxx::deadlock_detected>(), StatusCode::kAborted, true},
      {"serialization by sqlstate", Sql<pqxx::sql_error>("40001"), StatusCode::kAborted, true},
      {"deadlock by sqlstate", Sql<pqxx::sql_error>("40P01"), StatusCode::kAborted, true},
      {"broken connection", Plain<pqxx::broken_connection>(), StatusCode::kUnavailable, false},
      {"in doubt", Plain<pqxx::in_doubt_error>(), StatusCode::kUnavailable, false},
      {"completion unknown", Plain<pqxx::statement_completion_unknown>(), StatusCode::kUnavailable,
       false},
      {"admin shutdown", Sql<pqxx::sql_error>("57P01"), StatusCode::kUnavailable, false},
      {"statement timeout", Sql<pqxx::sql_error>("57014"), StatusCode::kDeadlineExceeded, false},
      {"privilege", Sql<pqxx::insufficient_privilege>("42501"), StatusCode::kPermissionDenied,
       false},
      // libpqxx 6 raises some typed errors without their SQLSTATE.
      {"privilege, typed only", Sql<pqxx::insufficient_privilege>(nullptr),
       StatusCode::kPermissionDenied, false},
      {"unique, typed only", Sql<pqxx::unique_violation>(nullptr), StatusCode::kAlreadyExists,
       false},
      {"check, typed only", Sql<pqxx::check_violation>(nullptr), StatusCode::kFailedPrecondition,
       false},
      {"syntax", Sql<pqxx::syntax_error>("42601"), StatusCode::kInternal, false},
      {"undefined table", Sql<pqxx::undefined_table>("42P01"), StatusCode::kInternal, false},
      {"conversion", Plain<pqxx::conversion_error>(), StatusCode::kInternal, false},
      {"not from the database", Plain<std::runtime_error>(), StatusCode::kInternal, false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const std::unique_ptr<std::exception> error = c.make();
    const market::Status status = market::pg::StatusFromException(*error);
    CHECK(status.code() == c.code);
    CHECK(market::pg::IsRetryable(*error) == c.retryable);
    // Server text may quote user data and SQL reveals the schema: neither reaches a caller.
    CHECK(status.message().find("ann@example.com") == std::string::npos);
    CHECK(status.message().find("INSERT") == std::string::npos);
    CHECK_FALSE(status.message().empty());
  }
}

TEST_CASE("a conflict tells the user to retry", "[pg]") {
  const market::Status status =
      market::pg::StatusFromException(pqxx::serialization_failure("could not serialize"));
  CHECK(status.message() == "conflicting write; retry");
}

TEST_CASE("only a connection lost before commit is safe to re-run on a new connection", "[pg]") {
  CHECK(market::pg::IsConnectionLost(pqxx::broken_connection("gone")));
  CHECK(market::pg::IsConnectionLost(pqxx::sql_error("terminating", "", "57P01")));
  CHECK_FALSE(market::pg::IsConnectionLost(pqxx::in_doubt_error("commit lost")));
  CHECK_FALSE(market::pg::IsConnectionLost(pqxx::unique_violation("dup", "", "23505")));

  CHECK(market::pg::ShouldDiscardConnection(pqxx::in_doubt_error("commit lost")));
  CHECK(market::pg::ShouldDiscardConnection(pqxx::broken_connection("gone")));
  CHECK_FALSE(market::pg::ShouldDiscardConnection(pqxx::serialization_failure("retry")));
}

TEST_CASE("the SQLSTATE of a server error is available for logs", "[pg]") {
  CHECK(market::pg::SqlState(pqxx::unique_violation("dup", "", "23505")) == "23505");
  CHECK(market::pg::SqlState(pqxx::insufficient_privilege("denied", "", nullptr)) == "42501");
  CHECK(market::pg::SqlState(pqxx::deadlock_detected("deadlock")) == "40P01");
  CHECK(market::pg::SqlState(pqxx::broken_connection("gone")).empty());
}
