// HealthService: grpc.health.v1.Health/Check as every service answers it.
//
// grpc/grpc doc/health-checking.md: "" asks about the whole server; a known service name asks
// about that service; any other name is NOT_FOUND. Serving means ready (readiness.hpp): not
// draining, and the database answered the last background check; no call touches the database.
#pragma once

#include <string>
#include <utility>

#include "grpc/health/v1/health.connect.h"
#include "readiness.hpp"

namespace market::runtime {

class HealthService final : public grpc::health::v1::HealthBase {
 public:
  // `readiness` must outlive the service.
  HealthService(std::string full_service_name, const Readiness& readiness)
      : full_service_name_(std::move(full_service_name)), readiness_(readiness) {}

  Status Check(const connect::CallContext&, const grpc::health::v1::HealthCheckRequest& request,
               grpc::health::v1::HealthCheckResponse& response) override {
    if (!request.service().empty() && request.service() != full_service_name_) {
      return NotFoundError("service: unknown service \"" + request.service() + "\"");
    }
    response.set_status(readiness_.ready() ? grpc::health::v1::HealthCheckResponse::SERVING
                                           : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    return OkStatus();
  }

 private:
  const std::string full_service_name_;
  const Readiness& readiness_;
};

}  // namespace market::runtime
