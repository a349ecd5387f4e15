// BiddingService: market.bidding.v1.BiddingService. The freelancer's side (bids, statistics,
// credits) is in bidding_service.cpp, the client's side (listing, shortlisting, rejecting and
// accepting bids on its jobs) in bidding_service_client.cpp.
//
// The generated registration (bidding.connect.h) has already checked the bearer token and the
// caller's role against each method's access option when a handler runs; the handler checks the
// input (invalid_argument naming the field), then, inside one transaction, the rules of
// bid_rules.hpp on bidding's copy of the job (locked, so a job event cannot change it between the
// check and the write), and writes the change with its event to the outbox.
//
//   BiddingService service(parts.pg, policy, clock, placement);   // must outlive the router
//   market::bidding::v1::Register(router, service);
//
// Logic only, on proto types: no server, no routing.
#pragma once

#include <chrono>
#include <functional>

#include "bid_placer.hpp"
#include "credit_policy.hpp"
#include "market/bidding/v1/bidding.connect.h"
#include "market/bidding/v1/bidding.pb.h"
#include "market/connect/call_context.hpp"
#include "market/pg/pool.hpp"

namespace market::bidding {

class BiddingService final : public v1::BiddingServiceBase {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `pool` must outlive the service. `clock` tells the time for deadlines and credit months.
  // `placement` bounds PlaceBid's batches (bid_placer.hpp).
  BiddingService(pg::Pool& pool, CreditPolicy policy, Clock clock,
                 BatchCombinerOptions placement = {.max_batch = 32, .max_writers = 2});

  Status PlaceBid(const connect::CallContext& ctx, const v1::PlaceBidRequest& request,
                  v1::PlaceBidResponse& response) override;
  Status ReviseBid(const connect::CallContext& ctx, const v1::ReviseBidRequest& request,
                   v1::ReviseBidResponse& response) override;
  Status WithdrawBid(const connect::CallContext& ctx, const v1::WithdrawBidRequest& request,
                     v1::WithdrawBidResponse& response) override;
  Status GetBid(const connect::CallContext& ctx, const v1::GetBidRequest& request,
                v1::GetBidResponse& response) override;
  Status ListMyBids(const connect::CallContext& ctx, const v1::ListMyBidsRequest& request,
                    v1::ListMyBidsResponse& response) override;
  Status GetBidStats(const connect::CallContext& ctx, const v1::GetBidStatsRequest& request,
                     v1::GetBidStatsResponse& response) override;
  Status GetCreditBalance(const connect::CallContext& ctx,
                          const v1::GetCreditBalanceRequest& request,
                          v1::GetCreditBalanceResponse& response) override;

  // bidding_service_client.cpp.
  Status ListJobBids(const connect::CallContext& ctx, const v1::ListJobBidsRequest& request,
                     v1::ListJobBidsResponse& response) override;
  Status ShortlistBid(const connect::CallContext& ctx, const v1::ShortlistBidRequest& request,
                      v1::ShortlistBidResponse& response) override;
  Status RejectBid(const connect::CallContext& ctx, const v1::RejectBidRequest& request,
                   v1::RejectBidResponse& response) override;
  Status AcceptBid(const connect::CallContext& ctx, const v1::AcceptBidRequest& request,
                   v1::AcceptBidResponse& response) override;

 private:
  pg::Pool& pool_;
  const CreditPolicy policy_;
  const Clock clock_;
  BidPlacer placer_;
};

}  // namespace market::bidding
