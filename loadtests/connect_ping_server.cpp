// A Connect server whose only RPC, grpc.health.v1.Health/Check, answers SERVING without
// touching anything else: the cost it shows is the Connect layer's own, to be compared with
// bare_beast_server in the same run (see ping_bench.sh).
//
//   connect_ping_server PORT IO_THREADS WORKER_THREADS
#include <cstdlib>
#include <iostream>
#include <memory>

#include "grpc/health/v1/health.pb.h"
#include "market/connect/router.hpp"
#include "market/connect/server.hpp"
#include "market/http/signals.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: connect_ping_server PORT IO_THREADS WORKER_THREADS\n";
    return 2;
  }
  using grpc::health::v1::HealthCheckRequest;
  using grpc::health::v1::HealthCheckResponse;
  auto router = std::make_shared<market::connect::Router>();
  router->Add<HealthCheckRequest, HealthCheckResponse>(
      "grpc.health.v1.Health", "Check", market::connect::Access::Public(),
      [](const market::connect::CallContext&, const HealthCheckRequest&,
         HealthCheckResponse& response) {
        response.set_status(HealthCheckResponse::SERVING);
        return market::OkStatus();
      });
  market::connect::ServerOptions options;
  options.http.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  options.http.io_threads = std::atoi(argv[2]);
  options.worker_threads = static_cast<std::size_t>(std::atoi(argv[3]));
  market::connect::Server server(options, router);
  if (auto started = server.Start(); !started.ok()) {
    std::cerr << started << "\n";
    return 1;
  }
  market::http::WaitForTerminationSignal();
  server.Shutdown();
  return 0;
}
