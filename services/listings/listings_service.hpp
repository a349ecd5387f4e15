// ListingsService: market.listings.v1.ListingsService, freelancer profiles and portfolios.
//
// Every method authorises the call itself, in this order: the bearer token (unauthenticated
// when missing, malformed, expired, badly signed or not HS256), then the caller's role
// (permission_denied), then the input (invalid_argument naming the field), then ownership: a
// freelancer writes only the profile and portfolio of the account its token names. A call
// that bypasses the gateway gets exactly the same answers. Each call is one transaction.
//
//   auto service = std::make_shared<ListingsService>(parts.pg, parts.tokens);
//   AddListingsMethods(router, service);
//
// Logic only, on proto types: AddListingsMethods() puts the methods on a Connect router.
#pragma once

#include <memory>

#include "market/auth/principal.hpp"
#include "market/auth/token.hpp"
#include "market/connect/call_context.hpp"
#include "market/connect/router.hpp"
#include "market/listings/v1/listings.pb.h"
#include "market/pg/pool.hpp"
#include "profile_repository.hpp"

namespace market::listings {

class ListingsService {
 public:
  // Both must outlive the service.
  ListingsService(pg::Pool& pool, const auth::TokenVerifier& tokens);

  // Freelancer only; the profile is the caller's own, its country the token's.
  Status UpsertMyProfile(const connect::CallContext& ctx, const v1::UpsertMyProfileRequest& request,
                         v1::UpsertMyProfileResponse& response);
  // Any authenticated caller: freelancer, client, operator or service.
  Status GetProfile(const connect::CallContext& ctx, const v1::GetProfileRequest& request,
                    v1::GetProfileResponse& response);
  // Freelancer only, on the caller's own portfolio.
  Status AddPortfolioItem(const connect::CallContext& ctx,
                          const v1::AddPortfolioItemRequest& request,
                          v1::AddPortfolioItemResponse& response);
  Status RemovePortfolioItem(const connect::CallContext& ctx,
                             const v1::RemovePortfolioItemRequest& request,
                             v1::RemovePortfolioItemResponse& response);

 private:
  // The authenticated caller, who must hold the freelancer role and whose token must name an
  // account (its subject is the profile's key).
  StatusOr<auth::Principal> AuthenticateFreelancer(const connect::CallContext& ctx) const;

  pg::Pool& pool_;
  const auth::TokenVerifier& tokens_;
};

// Registers the four methods; the handlers share ownership of `service`.
void AddListingsMethods(connect::Router& router, std::shared_ptr<ListingsService> service);

void ToProto(const ProfileRecord& record, v1::FreelancerProfile& profile);
void ToProto(const PortfolioItemRecord& record, v1::PortfolioItem& item);

}  // namespace market::listings
