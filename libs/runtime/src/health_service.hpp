// HealthService: grpc.health.v1.Health/Check as every service answers it.
//
// grpc/grpc doc/health-checking.md: "" asks about the whole server; a known service name asks
// about that service; any other name is NOT_FOUND. Serving means not draining and the database
// answers.
#pragma once

#include <atomic>
#include <string>
#include <utility>

#include "grpc/health/v1/health.connect.h"
#include "market/pg/pool.hpp"

namespace market::runtime {

class HealthService final : public grpc::health::v1::HealthBase {
 public:
  // `pool` and `draining` must outlive the service.
  HealthService(std::string full_service_name, pg::Pool& pool, const std::atomic<bool>& draining)
      : full_service_name_(std::move(full_service_name)), pool_(pool), draining_(draining) {}

  Status Check(const connect::CallContext&, const grpc::health::v1::HealthCheckRequest& request,
               grpc::health::v1::HealthCheckResponse& response) override {
    if (!request.service().empty() && request.service() != full_service_name_) {
      return NotFoundError("service: unknown service \"" + request.service() + "\"");
    }
    const bool serving = !draining_ && pool_.Ping().ok();
    response.set_status(serving ? grpc::health::v1::HealthCheckResponse::SERVING
                                : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    return OkStatus();
  }

 private:
  const std::string full_service_name_;
  pg::Pool& pool_;
  const std::atomic<bool>& draining_;
};

}  // namespace market::runtime
