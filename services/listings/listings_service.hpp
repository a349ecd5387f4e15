// ListingsService: market.listings.v1.ListingsService: freelancer profiles and portfolios
// (listings_service.cpp), jobs and invitations (listings_service_jobs.cpp), offers and their
// purchases (listings_service_offers.cpp), and search (listings_service_search.cpp).
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

#include "item_cache.hpp"
#include "job_repository.hpp"
#include "market/auth/principal.hpp"
#include "market/bidding/v1/bidding.pb.h"
#include "market/connect/call_context.hpp"
#include "market/listings/v1/listings.connect.h"
#include "market/listings/v1/listings.pb.h"
#include "market/pg/pool.hpp"
#include "market/redis/client.hpp"
#include "offer_repository.hpp"
#include "profile_repository.hpp"
#include "search_gate.hpp"

namespace market::listings {

class ListingsService final : public v1::ListingsServiceBase {
 public:
  // `pool` and `cache` (the cache Redis) must outlive the service. `searches` bounds the
  // searches that run at once (search_gate.hpp).
  ListingsService(pg::Pool& pool, redis::Client& cache, SearchGateOptions searches = {});

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

  // Jobs: only the owner (the client that posted it) changes one.
  Status PostJob(const connect::CallContext& ctx, const v1::PostJobRequest& request,
                 v1::PostJobResponse& response) override;
  Status UpdateJob(const connect::CallContext& ctx, const v1::UpdateJobRequest& request,
                   v1::UpdateJobResponse& response) override;
  Status CloseJob(const connect::CallContext& ctx, const v1::CloseJobRequest& request,
                  v1::CloseJobResponse& response) override;
  Status CancelJob(const connect::CallContext& ctx, const v1::CancelJobRequest& request,
                   v1::CancelJobResponse& response) override;
  Status GetJob(const connect::CallContext& ctx, const v1::GetJobRequest& request,
                v1::GetJobResponse& response) override;
  Status ListMyJobs(const connect::CallContext& ctx, const v1::ListMyJobsRequest& request,
                    v1::ListMyJobsResponse& response) override;
  Status InviteToJob(const connect::CallContext& ctx, const v1::InviteToJobRequest& request,
                     v1::InviteToJobResponse& response) override;

  // Offers: only the owner (the freelancer selling it) changes one; clients buy.
  Status CreateOffer(const connect::CallContext& ctx, const v1::CreateOfferRequest& request,
                     v1::CreateOfferResponse& response) override;
  Status UpdateOffer(const connect::CallContext& ctx, const v1::UpdateOfferRequest& request,
                     v1::UpdateOfferResponse& response) override;
  Status PauseOffer(const connect::CallContext& ctx, const v1::PauseOfferRequest& request,
                    v1::PauseOfferResponse& response) override;
  Status ResumeOffer(const connect::CallContext& ctx, const v1::ResumeOfferRequest& request,
                     v1::ResumeOfferResponse& response) override;
  Status GetOffer(const connect::CallContext& ctx, const v1::GetOfferRequest& request,
                  v1::GetOfferResponse& response) override;
  Status ListMyOffers(const connect::CallContext& ctx, const v1::ListMyOffersRequest& request,
                      v1::ListMyOffersResponse& response) override;
  Status BuyOffer(const connect::CallContext& ctx, const v1::BuyOfferRequest& request,
                  v1::BuyOfferResponse& response) override;

  // Search (listings_service_search.cpp).
  Status SearchJobs(const connect::CallContext& ctx, const v1::SearchJobsRequest& request,
                    v1::SearchJobsResponse& response) override;
  Status SearchFreelancers(const connect::CallContext& ctx,
                           const v1::SearchFreelancersRequest& request,
                           v1::SearchFreelancersResponse& response) override;
  Status SearchOffers(const connect::CallContext& ctx, const v1::SearchOffersRequest& request,
                      v1::SearchOffersResponse& response) override;

  // Bidding accepted a bid: the job becomes filled, once however often the event arrives. Runs
  // in the consumer's transaction (events/consumer.hpp), which records the event as applied.
  Status ApplyBidAccepted(pqxx::work& tx, const bidding::v1::BidAccepted& accepted);

  // Reputation scored a user: listings' summary of them (search, GetProfile) takes the event's
  // when it is newer (freelancer_reputation.hpp). Runs in the consumer's transaction.
  Status ApplyScoreUpdated(pqxx::work& tx, const reputation::v1::ScoreUpdated& updated);

 private:
  // Write-through after a commit: readers other than the owner get the new copy at once.
  void CacheJob(const JobRecord& job);
  void CacheOffer(const OfferRecord& offer);
  void CacheProfile(const ProfileRecord& profile);

  pg::Pool& pool_;
  // Single-item reads (GetJob, GetOffer, GetProfile) by anyone but the item's owner are served
  // from here when present; the owner always reads Postgres, so it sees its own writes.
  ItemCache jobs_cache_;
  ItemCache offers_cache_;
  ItemCache profiles_cache_;
  SearchGate searches_;
};

// The freelancer a profile call acts for: the verified caller, whose token must name an
// account, since its subject is the profile's key.
StatusOr<auth::Principal> ProfileOwner(const connect::CallContext& ctx);

// The same for the client a job call acts for.
StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx);

void ToProto(const ProfileRecord& record, v1::FreelancerProfile& profile);
void ToProto(const ReputationRecord& record, v1::ReputationSummary& summary);
void ToProto(const PortfolioItemRecord& record, v1::PortfolioItem& item);
void ToProto(const OfferRecord& record, v1::Offer& offer);

}  // namespace market::listings
