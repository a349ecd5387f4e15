#include "market/runtime/service_host.hpp"

#include <boost/beast/http.hpp>
#include <string>
#include <utility>

#include "health_service.hpp"
#include "market/common/log.hpp"
#include "market/common/metrics.hpp"
#include "market/events/outbox.hpp"
#include "market/http/plain_response.hpp"
#include "market/http/signals.hpp"

namespace market::runtime {
namespace {

namespace beast_http = boost::beast::http;

}  // namespace

ServiceHost::ServiceHost(ServiceConfig config, std::vector<const pg::MigrationSet*> migrations,
                         Registrar registrar, ServerSetup server_setup)
    : config_(std::move(config)),
      migrations_(std::move(migrations)),
      registrar_(std::move(registrar)),
      server_setup_(std::move(server_setup)) {}

ServiceHost::~ServiceHost() { Shutdown(); }

Status ServiceHost::Start() {
  log::SetService(config_.name);
  log::SetLevel(config_.log_level);

  pg_ = std::make_unique<pg::Pool>(config_.pg);
  std::vector<const pg::MigrationSet*> all_migrations{&events::OutboxMigrations()};
  all_migrations.insert(all_migrations.end(), migrations_.begin(), migrations_.end());
  if (Status migrated = pg::ApplyMigrations(*pg_, config_.pg_schema, all_migrations);
      !migrated.ok()) {
    return Status(migrated.code(), "applying migrations to schema \"" + config_.pg_schema +
                                       "\": " + migrated.message());
  }

  redis_ = std::make_unique<redis::Client>(config_.redis);
  tokens_ = std::make_unique<auth::TokenVerifier>(config_.tokens.verify_keys);
  parts_ = std::make_unique<ServiceParts>(ServiceParts{config_, *pg_, *redis_, *tokens_});

  auto router = std::make_shared<connect::Router>(tokens_.get());
  health_ = std::make_unique<HealthService>(config_.full_service_name, *pg_, draining_);
  grpc::health::v1::Register(*router, *health_);
  if (registrar_) registrar_(*router, *parts_);

  server_ = std::make_unique<connect::Server>(config_.server, std::move(router));
  RegisterHttpRoutes();
  RegisterMetrics();
  if (server_setup_) server_setup_(*server_, *parts_);
  MARKET_RETURN_IF_ERROR(server_->Start());

  if (config_.relay_events) {
    relay_ = std::make_unique<events::OutboxRelay>(*pg_, *redis_,
                                                   events::RelayOptions{.source = config_.name});
    relay_->Start();
  }
  log::Info("service started", {{"address", config_.server.http.address},
                                {"port", server_->port()},
                                {"schema", config_.pg_schema}});
  return OkStatus();
}

std::uint16_t ServiceHost::port() const { return server_ ? server_->port() : 0; }

void ServiceHost::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  draining_ = true;
  if (server_) server_->Shutdown();
  if (relay_) relay_->Stop();
  if (server_) log::Info("service stopped", {});
}

void ServiceHost::RegisterHttpRoutes() {
  server_->AddHttpRoute("GET", "/healthz", [](const http::Request&) {
    return http::PlainResponse(beast_http::status::ok, "ok\n");
  });
  server_->AddHttpRoute("GET", "/readyz", [this](const http::Request&) {
    if (draining_)
      return http::PlainResponse(beast_http::status::service_unavailable, "draining\n");
    if (!pg_->Ping().ok()) {
      return http::PlainResponse(beast_http::status::service_unavailable, "database unreachable\n");
    }
    return http::PlainResponse(beast_http::status::ok, "ready\n");
  });
  server_->AddHttpRoute("GET", "/metrics", [](const http::Request&) {
    // The Prometheus text exposition format names its version in the content type.
    return http::PlainResponse(beast_http::status::ok, metrics::DefaultRegistry().RenderText(),
                               "text/plain; version=0.0.4");
  });
}

void ServiceHost::RegisterMetrics() {
  auto& registry = metrics::DefaultRegistry();
  server_->OnCallFinished([&registry](std::string_view procedure, StatusCode code, double seconds) {
    const std::string procedure_label(procedure);
    registry
        .GetCounter("market_rpc_requests_total", "RPCs finished, by procedure and code",
                    {{"procedure", procedure_label}, {"code", std::string(CodeName(code))}})
        .Increment();
    registry
        .GetHistogram("market_rpc_duration_seconds", "RPC latency by procedure",
                      {{"procedure", procedure_label}})
        .Observe(seconds);
  });
  registry.AddCollector([this, &registry] {
    if (!pg_) return;
    const pg::PoolStats stats = pg_->Stats();
    const char* help = "PostgreSQL pool connections by state";
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "in_use"}})
        .Set(static_cast<double>(stats.in_use));
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "idle"}})
        .Set(static_cast<double>(stats.idle));
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "max"}})
        .Set(static_cast<double>(stats.max));
  });
}

int RunService(const ServiceIdentity& identity, const pg::MigrationSet& migrations,
               Registrar registrar, ServerSetup server_setup) {
  log::SetService(std::string(identity.name));
  config::Env env;
  auto config = LoadServiceConfig(identity, env);
  if (!config.ok()) {
    log::Error("invalid configuration", {{"error", config.status().message()}});
    return 1;
  }
  for (const auto& [name, value] : env.Describe()) {
    log::Debug("config", {{"name", name}, {"value", value}});
  }
  ServiceHost host(std::move(config).value(), {&migrations}, std::move(registrar),
                   std::move(server_setup));
  if (Status started = host.Start(); !started.ok()) {
    log::Error("start-up failed", {{"error", started.ToString()}});
    return 1;
  }
  http::WaitForTerminationSignal();
  log::Info("termination signal received; draining", {});
  host.Shutdown();
  return 0;
}

}  // namespace market::runtime
