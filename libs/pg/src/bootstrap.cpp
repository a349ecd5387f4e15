#include "market/pg/bootstrap.hpp"

#include <libpq-fe.h>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/transaction>

#include <algorithm>
#include <array>
#include <memory>

#include "market/common/statusor.hpp"
#include "market/pg/conninfo.hpp"
#include "market/pg/errors.hpp"
#include "market/pg/identifier.hpp"

namespace market::pg {
namespace {

constexpr char kAdminConnectTimeoutSeconds[] = "5";

// Serialises concurrent bootstraps: CREATE ROLE / CREATE SCHEMA racing each other would fail
// with unique violations on the catalogs.
constexpr std::string_view kLock = "SELECT pg_advisory_xact_lock(7160243100582641297)";
constexpr std::string_view kSelectRole = "SELECT rolsuper FROM pg_roles WHERE rolname = $1";
constexpr std::string_view kSelectSchemaOwner =
    "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1";
constexpr std::string_view kSelectPublicSchema =
    "SELECT 1 FROM pg_namespace WHERE nspname = 'public'";
constexpr std::string_view kSelectDatabase = "SELECT current_database() AS database_name";
constexpr std::string_view kRoleAttributes =
    " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT";

constexpr std::array<std::string_view, 7> kReservedRoles{
    "public", "none", "current_user", "current_role", "session_user", "user", "postgres"};
constexpr std::array<std::string_view, 3> kReservedSchemas{"public", "information_schema",
                                                           "pg_temp"};

bool Reserved(std::string_view name, const auto& reserved) {
  return name.starts_with("pg_") ||
         std::find(reserved.begin(), reserved.end(), name) != reserved.end();
}

struct PgConnFinish {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};

// libpq's own SCRAM-SHA-256 secret builder; it needs a live connection only to report errors.
StatusOr<std::string> ScramSecret(const std::string& conninfo, const ServiceDatabase& database) {
  std::unique_ptr<PGconn, PgConnFinish> connection(PQconnectdb(conninfo.c_str()));
  if (connection == nullptr || PQstatus(connection.get()) != CONNECTION_OK) {
    return UnavailableError("database unavailable; retry");
  }
  char* secret = PQencryptPasswordConn(connection.get(), database.password.c_str(),
                                       database.role.c_str(), "scram-sha-256");
  if (secret == nullptr) return InternalError("could not hash the role's password");
  std::string result(secret);
  PQfreemem(secret);
  return result;
}

Status Bootstrap(pqxx::connection& connection, const ServiceDatabase& database,
                 const std::string& secret) {
  const std::string role = QuoteIdentifier(database.role);
  const std::string schema = QuoteIdentifier(database.schema);
  pqxx::work work(connection);
  work.exec(std::string(kLock));

  const pqxx::result existing_role = work.exec_params(std::string(kSelectRole), database.role);
  if (!existing_role.empty() && existing_role[0]["rolsuper"].as<bool>()) {
    return FailedPreconditionError("role: " + database.role +
                                   " is a superuser; refusing to turn it into a service role");
  }
  const std::string password = " PASSWORD " + work.quote(secret);
  if (existing_role.empty()) {
    work.exec("CREATE ROLE " + role + std::string(kRoleAttributes) + password);
  } else {
    work.exec("ALTER ROLE " + role + std::string(kRoleAttributes) + password);
  }

  const pqxx::result owner = work.exec_params(std::string(kSelectSchemaOwner), database.schema);
  if (owner.empty()) {
    work.exec("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
  } else if (owner[0]["owner"].as<std::string>() != database.role) {
    return FailedPreconditionError("schema: " + database.schema +
                                   " belongs to another role; refusing to take it over");
  }

  const std::string database_name =
      work.exec1(std::string(kSelectDatabase))["database_name"].as<std::string>();
  work.exec("GRANT CONNECT ON DATABASE " + work.quote_name(database_name) + " TO " + role);
  work.exec("ALTER ROLE " + role + " SET search_path = " + schema);
  // A service's statements are short, or bounded by an index; JIT compilation only pays for
  // queries that run for seconds. It starts when a plan's estimated cost is high, as on a
  // full-text search over a million jobs, and there it cost more than half of the answer time
  // (1.1-1.4 s of which 0.5-0.7 s compiling, services/listings/README.md).
  work.exec("ALTER ROLE " + role + " SET jit = off");
  // PostgreSQL 15 already withholds CREATE on public from PUBLIC; older clusters, or one an
  // operator loosened, must not let services create objects outside their schema.
  if (!work.exec(std::string(kSelectPublicSchema)).empty()) {
    work.exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    work.exec("REVOKE ALL ON SCHEMA public FROM " + role);
  }
  work.commit();
  return OkStatus();
}

}  // namespace

Status ValidateServiceDatabase(const ServiceDatabase& database) {
  MARKET_RETURN_IF_ERROR(ValidateIdentifier("schema", database.schema));
  MARKET_RETURN_IF_ERROR(ValidateIdentifier("role", database.role));
  if (Reserved(database.schema, kReservedSchemas)) {
    return InvalidArgumentError("schema: " + database.schema + " is reserved by PostgreSQL");
  }
  if (Reserved(database.role, kReservedRoles)) {
    return InvalidArgumentError("role: " + database.role + " is reserved");
  }
  if (database.password.empty()) return InvalidArgumentError("password: must not be empty");
  if (database.password.find('\0') != std::string::npos) {
    return InvalidArgumentError("password: must not contain NUL characters");
  }
  return OkStatus();
}

Status BootstrapServiceDatabase(std::string_view admin_dsn, const ServiceDatabase& database) {
  MARKET_RETURN_IF_ERROR(ValidateServiceDatabase(database));
  MARKET_ASSIGN_OR_RETURN(
      const std::string conninfo,
      OverrideConninfo(admin_dsn, {{"connect_timeout", kAdminConnectTimeoutSeconds}}));
  MARKET_ASSIGN_OR_RETURN(const std::string secret, ScramSecret(conninfo, database));
  try {
    pqxx::connection connection(conninfo);
    pqxx::quiet_errorhandler quiet(connection);
    return Bootstrap(connection, database, secret);
  } catch (const std::exception& error) {
    const Status mapped = StatusFromException(error);
    return Status(mapped.code(), "bootstrap of schema " + database.schema + " for role " +
                                     database.role + " failed: " + mapped.message());
  }
}

}  // namespace market::pg
