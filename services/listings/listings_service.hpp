// ListingsService: market.listings.v1.ListingsService, freelancer profiles and portfolios.
//
// The generated registration (listings.connect.h) has already checked the bearer token and the
// caller's role against each method's access option when a handler runs; the handler checks the
// input (invalid_argument naming the field), then ownership: a freelancer writes only the
// profile and portfolio of the account its token names. A call that bypasses the gateway gets
// exactly the same answers. Each call is one transaction.
//
//   ListingsService service(parts.pg);   // must outlive the router
//   market::listings::v1::Register(router, service);
//
// Logic only, on proto types: no server, no routing.
#pragma once

#include "market/auth/principal.hpp"
#include "market/connect/call_context.hpp"
#include "market/listings/v1/listings.connect.h"
#include "market/listings/v1/listings.pb.h"
#include "market/pg/pool.hpp"
#include "profile_repository.hpp"

namespace market::listings {

class ListingsService final : public v1::ListingsServiceBase {
 public:
  // `pool` must outlive the service.
  explicit ListingsService(pg::Pool& pool);

  // The profile is the caller's own, its country the token's.
  Status UpsertMyProfile(const connect::CallContext& ctx, const v1::UpsertMyProfileRequest& request,
                         v1::UpsertMyProfileResponse& response) override;
  Status GetProfile(const connect::CallContext& ctx, const v1::GetProfileRequest& request,
                    v1::GetProfileResponse& response) override;
  // On the caller's own portfolio.
  Status AddPortfolioItem(const connect::CallContext& ctx,
                          const v1::AddPortfolioItemRequest& request,
                          v1::AddPortfolioItemResponse& response) override;
  Status RemovePortfolioItem(const connect::CallContext& ctx,
                             const v1::RemovePortfolioItemRequest& request,
                             v1::RemovePortfolioItemResponse& response) override;

 private:
  pg::Pool& pool_;
};

// The freelancer a profile call acts for: the verified caller, whose token must name an
// account, since its subject is the profile's key.
StatusOr<auth::Principal> ProfileOwner(const connect::CallContext& ctx);

void ToProto(const ProfileRecord& record, v1::FreelancerProfile& profile);
void ToProto(const PortfolioItemRecord& record, v1::PortfolioItem& item);

}  // namespace market::listings
