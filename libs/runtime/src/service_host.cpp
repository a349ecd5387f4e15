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
#include "readiness.hpp"

namespace market::runtime {
namespace {

namespace beast_http = boost::beast::http;

}  // namespace

ServiceHost::ServiceHost(ServiceConfig config, std::vector<const pg::MigrationSet*> migrations,
                         std::unique_ptr<Service> service)
    : config_(std::move(config)),
      migrations_(std::move(migrations)),
      service_(service ? std::move(service) : std::make_unique<BareService>()) {}

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

  redis_events_ = std::make_unique<redis::Client>(config_.redis_events);
  redis_cache_ = std::make_unique<redis::Client>(config_.redis_cache);
  tokens_ = std::make_unique<auth::TokenVerifier>(config_.tokens.verify_keys);
  background_ = std::make_unique<Background>(*pg_, *redis_events_, config_.instance_name);
  parts_ = std::make_unique<ServiceParts>(
      ServiceParts{config_, *pg_, *redis_events_, *redis_cache_, *tokens_, *background_});
  readiness_ = std::make_unique<Readiness>(*pg_, *redis_events_, *redis_cache_);
  readiness_->Check();
  readiness_check_ = std::make_unique<PeriodicTask>(
      PeriodicTaskOptions{.name = "readiness", .interval = config_.readiness_interval},
      [this] { return readiness_->Check(); });

  auto router = std::make_shared<connect::Router>(tokens_.get());
  health_ = std::make_unique<HealthService>(config_.full_service_name, *readiness_);
  grpc::health::v1::Register(*router, *health_);
  // It reads the readiness check's last result and never blocks: no worker hop needed.
  router->RunInline("/grpc.health.v1.Health/Check");
  if (Status started = service_->Start(*parts_, *router); !started.ok()) {
    return Status(started.code(), "starting the service: " + started.message());
  }
  service_started_ = true;
  if (config_.relay_events) {
    background_->AddRelay(events::RelayOptions{.source = config_.name});
  }

  server_ = std::make_unique<connect::Server>(config_.server, std::move(router));
  RegisterHttpRoutes();
  RegisterMetrics();
  service_->InstallServerHooks(*server_);
  MARKET_RETURN_IF_ERROR(server_->Start());

  readiness_check_->Start();
  background_->Start();
  log::Info("service started", {{"address", config_.server.http.address},
                                {"port", server_->port()},
                                {"schema", config_.pg_schema},
                                {"background_tasks", background_->size()}});
  return OkStatus();
}

std::uint16_t ServiceHost::port() const { return server_ ? server_->port() : 0; }

void ServiceHost::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  if (readiness_) readiness_->SetDraining();
  if (server_) server_->Shutdown();
  if (readiness_check_) readiness_check_->Stop();
  if (background_) background_->Stop();
  if (service_started_) service_->Stop();
  if (server_) log::Info("service stopped", {});
}

void ServiceHost::RegisterHttpRoutes() {
  server_->AddHttpRoute("GET", "/healthz", [](const http::Request&) {
    return http::PlainResponse(beast_http::status::ok, "ok\n");
  });
  server_->AddHttpRoute("GET", "/readyz", [this](const http::Request&) {
    if (readiness_->draining())
      return http::PlainResponse(beast_http::status::service_unavailable, "draining\n");
    if (!readiness_->database_reachable()) {
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
  pool_collector_ = registry.AddCollector([this, &registry] {
    const pg::PoolStats stats = pg_->Stats();
    const char* help = "PostgreSQL pool connections by state";
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "in_use"}})
        .Set(static_cast<double>(stats.in_use));
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "idle"}})
        .Set(static_cast<double>(stats.idle));
    registry.GetGauge("market_pg_pool_connections", help, {{"state", "max"}})
        .Set(static_cast<double>(stats.max));
    registry
        .GetGauge("market_dependency_up", "Whether the last background check reached it",
                  {{"dependency", "postgres"}})
        .Set(readiness_->database_reachable() ? 1 : 0);
    registry
        .GetGauge("market_dependency_up", "Whether the last background check reached it",
                  {{"dependency", "redis_events"}})
        .Set(readiness_->redis_events_reachable() ? 1 : 0);
    registry
        .GetGauge("market_dependency_up", "Whether the last background check reached it",
                  {{"dependency", "redis_cache"}})
        .Set(readiness_->redis_cache_reachable() ? 1 : 0);
  });
}

Status ConfigureService(Service& service, config::Env& env) {
  MARKET_RETURN_IF_ERROR(service.Configure(env));
  return env.Check();
}

int RunService(const ServiceIdentity& identity, const pg::MigrationSet& migrations,
               std::unique_ptr<Service> service) {
  log::SetService(std::string(identity.name));
  config::Env env;
  auto config = LoadServiceConfig(identity, env);
  Status configured = config.ok() ? ConfigureService(*service, env) : config.status();
  if (!configured.ok()) {
    log::Error("invalid configuration", {{"error", configured.message()}});
    return 1;
  }
  for (const auto& [name, value] : env.Describe()) {
    log::Debug("config", {{"name", name}, {"value", value}});
  }
  ServiceHost host(std::move(config).value(), {&migrations}, std::move(service));
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
