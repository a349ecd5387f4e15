#include "listings_app.hpp"

namespace market::listings {

Status ListingsApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  service_ = std::make_unique<ListingsService>(parts.pg);
  v1::Register(router, *service_);
  return OkStatus();
}

}  // namespace market::listings
