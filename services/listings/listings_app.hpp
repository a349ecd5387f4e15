// ListingsApp: the listings service as its host runs it (market/runtime/service.hpp).
#pragma once

#include <memory>

#include "listings_service.hpp"
#include "market/runtime/service.hpp"

namespace market::listings {

class ListingsApp final : public runtime::Service {
 public:
  Status Start(runtime::ServiceParts& parts, connect::Router& router) override;

 private:
  std::unique_ptr<ListingsService> service_;
};

}  // namespace market::listings
