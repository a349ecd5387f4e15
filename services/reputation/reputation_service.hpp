// ReputationService: market.reputation.v1.ReputationService, reviews, scores and moderation.
//
// The generated registration (reputation.connect.h) has already checked the bearer token and
// the caller's role against each method's access option when a handler runs; the handler checks
// the input (invalid_argument naming the field), then ownership from the stored contract: only
// its parties review it, only a review's subject replies. Each write is one transaction, which
// also recomputes the scores it changes (and queues ScoreUpdated); the cache is refreshed after
// the commit.
//
//   ScoreKeeper keeper(parts.pg, parts.cache);
//   ReputationService service(parts.pg, keeper);   // both must outlive the router
//   market::reputation::v1::Register(router, service);
//
// A call's path: reputation_service.cpp (checks) -> contract_repository / review_repository
// (SQL) -> score_repository (recompute) -> score_keeper / score_cache (Redis).
#pragma once

#include "market/connect/call_context.hpp"
#include "market/pg/pool.hpp"
#include "market/reputation/v1/reputation.connect.h"
#include "market/reputation/v1/reputation.pb.h"
#include "score_keeper.hpp"

namespace market::reputation {

// BatchGetScores takes at most this many ids.
inline constexpr int kMaxBatchScores = 100;
// ListReviews pages.
inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

class ReputationService final : public v1::ReputationServiceBase {
 public:
  ReputationService(pg::Pool& pool, ScoreKeeper& scores);

  Status WriteReview(const connect::CallContext& ctx, const v1::WriteReviewRequest& request,
                     v1::WriteReviewResponse& response) override;
  Status ReplyToReview(const connect::CallContext& ctx, const v1::ReplyToReviewRequest& request,
                       v1::ReplyToReviewResponse& response) override;
  Status ListReviews(const connect::CallContext& ctx, const v1::ListReviewsRequest& request,
                     v1::ListReviewsResponse& response) override;
  Status GetScore(const connect::CallContext& ctx, const v1::GetScoreRequest& request,
                  v1::GetScoreResponse& response) override;
  Status BatchGetScores(const connect::CallContext& ctx, const v1::BatchGetScoresRequest& request,
                        v1::BatchGetScoresResponse& response) override;
  Status ExplainScore(const connect::CallContext& ctx, const v1::ExplainScoreRequest& request,
                      v1::ExplainScoreResponse& response) override;
  Status HideReview(const connect::CallContext& ctx, const v1::HideReviewRequest& request,
                    v1::HideReviewResponse& response) override;

 private:
  pg::Pool& pool_;
  ScoreKeeper& scores_;
};

}  // namespace market::reputation
