#include "reputation_service.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "contract_repository.hpp"
#include "market/auth/principal.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/connect/page_token.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "review_repository.hpp"
#include "review_validation.hpp"
#include "score_repository.hpp"

namespace market::reputation {
namespace {

StatusOr<std::string> CallerAccount(const connect::CallContext& ctx) {
  const std::string& subject = ctx.Caller().subject;
  // Account ids are UUIDs; a token naming anything else is party to no contract.
  if (!ids::IsUuid(subject)) return UnauthenticatedError("the token does not name an account");
  return subject;
}

Status CheckId(const std::string& id, std::string_view field, std::string_view what) {
  if (!ids::IsUuid(id)) {
    return InvalidArgumentError(std::string(field) + ": must be " + std::string(what) +
                                " id (UUID)");
  }
  return OkStatus();
}

constexpr std::string_view kReviewsList = "reviews";

std::string EncodeReviewsToken(const ReviewCursor& cursor) {
  return connect::EncodePageToken(kReviewsList,
                                  {std::to_string(cursor.created_at_micros), cursor.id});
}

// The keyset position after which the next page starts; none for the first page.
StatusOr<std::optional<ReviewCursor>> DecodeReviewsToken(const std::string& token) {
  MARKET_ASSIGN_OR_RETURN(const std::vector<std::string> keys,
                          connect::DecodePageToken(token, kReviewsList, 2));
  if (keys.empty()) return std::optional<ReviewCursor>();
  if (!ids::IsUuid(keys[1])) {
    return InvalidArgumentError("page.page_token: not a token this method returned");
  }
  MARKET_ASSIGN_OR_RETURN(const std::int64_t created_at_micros, connect::PageKeyAsInt(keys[0]));
  return std::optional<ReviewCursor>(
      ReviewCursor{.created_at_micros = created_at_micros, .id = keys[1]});
}

}  // namespace

ReputationService::ReputationService(pg::Pool& pool, ScoreKeeper& scores)
    : pool_(pool), scores_(scores) {}

Status ReputationService::WriteReview(const connect::CallContext& ctx,
                                      const v1::WriteReviewRequest& request,
                                      v1::WriteReviewResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const std::string caller, CallerAccount(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.contract_id(), "contract_id", "a contract"));
  if (!request.has_ratings()) return InvalidArgumentError("ratings: required");
  MARKET_ASSIGN_OR_RETURN(const std::string comment, ValidateComment(request.comment()));

  struct Written {
    ReviewRecord review;
    std::vector<ScoreRecord> scores;
  };
  MARKET_ASSIGN_OR_RETURN(
      Written written,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> StatusOr<Written> {
            // The contract's lock orders the two parties' reviews: the second sees the first.
            const std::optional<ReviewableContract> contract =
                LockContractForReview(tx, request.contract_id());
            // Not a party and no such contract look the same: nothing leaks about others'.
            if (!contract || (caller != contract->client_id && caller != contract->freelancer_id)) {
              return NotFoundError("contract_id: no contract of yours with this id");
            }
            const bool by_client = caller == contract->client_id;
            const v1::Direction direction =
                by_client ? v1::DIRECTION_OF_FREELANCER : v1::DIRECTION_OF_CLIENT;
            MARKET_RETURN_IF_ERROR(ValidateRatings(request.ratings(), direction));
            if (!contract->money_moved) {
              return FailedPreconditionError(
                  "contract_id: no money moved on this contract; only contracts that moved "
                  "money can be reviewed");
            }
            if (!contract->ended) {
              return FailedPreconditionError(
                  "contract_id: the contract has not ended; reviews open when it completes");
            }
            if (!contract->window_open) {
              return FailedPreconditionError(
                  "contract_id: the review window of this contract has closed");
            }
            std::optional<ReviewRecord> review = InsertReview(
                tx, {.contract_id = contract->id,
                     .direction = direction,
                     .author_id = caller,
                     .subject_id = by_client ? contract->freelancer_id : contract->client_id,
                     .ratings = request.ratings(),
                     .comment = comment});
            if (!review) {
              return AlreadyExistsError("contract_id: you have already reviewed this contract");
            }
            // The second review lifts the double blind for both: both parties' scores change.
            Written result{std::move(*review), {}};
            // Scores rows are locked in id order, so two reviews whose parties are each
            // other's client and freelancer cannot deadlock.
            std::array<std::string, 2> parties{contract->client_id, contract->freelancer_id};
            std::sort(parties.begin(), parties.end());
            for (const std::string& user : parties) {
              result.scores.push_back(RecomputeScore(tx, user));
            }
            return result;
          }));
  for (const ScoreRecord& score : written.scores) scores_.Publish(score);
  log::Info("review written",
            {{"review_id", written.review.review.id()}, {"contract_id", request.contract_id()}});
  *response.mutable_review() = std::move(written.review.review);
  response.set_visible(written.review.visible);
  return OkStatus();
}

Status ReputationService::ReplyToReview(const connect::CallContext& ctx,
                                        const v1::ReplyToReviewRequest& request,
                                        v1::ReplyToReviewResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const std::string caller, CallerAccount(ctx));
  MARKET_RETURN_IF_ERROR(CheckId(request.review_id(), "review_id", "a review"));
  MARKET_ASSIGN_OR_RETURN(const std::string text,
                          ValidateRequiredText(request.text(), "text", kMaxReplyLength));
  MARKET_ASSIGN_OR_RETURN(
      ReviewRecord replied,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<ReviewRecord> {
            std::optional<ReviewRecord> review = LockReview(tx, request.review_id());
            // A review the caller may not see yet is as good as absent.
            if (!review || review->review.subject_id() != caller || !review->visible) {
              return NotFoundError("review_id: no visible review of you with this id");
            }
            if (!InsertReply(tx, request.review_id(), text)) {
              return AlreadyExistsError("review_id: you have already replied to this review");
            }
            return *LockReview(tx, request.review_id());
          }));
  *response.mutable_review() = std::move(replied.review);
  return OkStatus();
}

Status ReputationService::ListReviews(const connect::CallContext& ctx,
                                      const v1::ListReviewsRequest& request,
                                      v1::ListReviewsResponse& response) {
  MARKET_RETURN_IF_ERROR(CheckId(request.user_id(), "user_id", "an account"));
  if (!v1::Direction_IsValid(request.direction())) {
    return InvalidArgumentError("direction: unknown value");
  }
  MARKET_ASSIGN_OR_RETURN(const int limit, connect::CheckPageSize(request.page().page_size(),
                                                                  kDefaultPageSize, kMaxPageSize));
  MARKET_ASSIGN_OR_RETURN(const std::optional<ReviewCursor> after,
                          DecodeReviewsToken(request.page().page_token()));
  MARKET_ASSIGN_OR_RETURN(
      std::vector<v1::Review> reviews,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::vector<v1::Review>> {
                          // One more than asked says whether another page follows.
                          return ListVisibleReviews(tx, request.user_id(), request.direction(),
                                                    after, limit + 1);
                        }));
  const bool more = static_cast<int>(reviews.size()) > limit;
  if (more) reviews.resize(limit);
  for (v1::Review& review : reviews) *response.add_reviews() = std::move(review);
  if (more) {
    response.mutable_page()->set_next_page_token(
        EncodeReviewsToken(CursorOf(response.reviews(limit - 1))));
  }
  return OkStatus();
}

Status ReputationService::GetScore(const connect::CallContext& ctx,
                                   const v1::GetScoreRequest& request,
                                   v1::GetScoreResponse& response) {
  MARKET_RETURN_IF_ERROR(CheckId(request.user_id(), "user_id", "an account"));
  MARKET_ASSIGN_OR_RETURN(v1::Score score, scores_.Get(request.user_id(), ctx.deadline));
  *response.mutable_score() = std::move(score);
  return OkStatus();
}

Status ReputationService::BatchGetScores(const connect::CallContext& ctx,
                                         const v1::BatchGetScoresRequest& request,
                                         v1::BatchGetScoresResponse& response) {
  if (request.user_ids_size() < 1 || request.user_ids_size() > kMaxBatchScores) {
    return InvalidArgumentError("user_ids: 1 to " + std::to_string(kMaxBatchScores) + " ids");
  }
  std::set<std::string> seen;
  for (int i = 0; i < request.user_ids_size(); ++i) {
    const std::string field = "user_ids[" + std::to_string(i) + "]";
    MARKET_RETURN_IF_ERROR(CheckId(request.user_ids(i), field, "an account"));
    if (!seen.insert(request.user_ids(i)).second) {
      return InvalidArgumentError(field + ": listed twice; ids must be distinct");
    }
  }
  const std::vector<std::string> ids(request.user_ids().begin(), request.user_ids().end());
  MARKET_ASSIGN_OR_RETURN(std::vector<v1::Score> scores, scores_.GetMany(ids, ctx.deadline));
  for (v1::Score& score : scores) *response.add_scores() = std::move(score);
  return OkStatus();
}

Status ReputationService::ExplainScore(const connect::CallContext& ctx,
                                       const v1::ExplainScoreRequest& request,
                                       v1::ExplainScoreResponse& response) {
  MARKET_RETURN_IF_ERROR(CheckId(request.user_id(), "user_id", "an account"));
  // The outcomes name the user's clients and contracts, which are not public.
  const auth::Principal& caller = ctx.Caller();
  if (caller.subject != request.user_id() && !caller.HasRole(auth::Role::kOperator) &&
      !caller.HasRole(auth::Role::kService)) {
    return PermissionDeniedError("user_id: a score is explained to its own user only");
  }
  // From scratch, in one snapshot: what the stored data says now.
  MARKET_ASSIGN_OR_RETURN(
      ScoreInputs inputs,
      pg::InTransaction(pool_,
                        pg::TxOptions{.isolation = pg::Isolation::kRepeatableRead,
                                      .deadline = ctx.deadline,
                                      .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<ScoreInputs> {
                          return LoadScoreInputs(tx, request.user_id());
                        }));
  ScoreExplanation explained = ComputeScore(inputs);
  *response.mutable_score() = std::move(explained.score);
  for (v1::Contribution& c : explained.contributions) *response.add_contributions() = std::move(c);
  for (v1::Outcome& o : explained.outcomes) *response.add_outcomes() = std::move(o);
  response.set_prior_mean(inputs.prior_mean_milli / 1000.0);
  response.set_client_prior_mean(inputs.client_prior_mean_milli / 1000.0);
  response.set_prior_weight(kPriorWeight);
  return OkStatus();
}

Status ReputationService::HideReview(const connect::CallContext& ctx,
                                     const v1::HideReviewRequest& request,
                                     v1::HideReviewResponse& response) {
  MARKET_RETURN_IF_ERROR(CheckId(request.review_id(), "review_id", "a review"));
  MARKET_ASSIGN_OR_RETURN(const std::string reason,
                          ValidateRequiredText(request.reason(), "reason", kMaxHideReasonLength));
  const std::string& operator_id = ctx.Caller().subject;
  MARKET_ASSIGN_OR_RETURN(
      ScoreRecord subject_score,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<ScoreRecord> {
            const std::optional<ReviewRecord> review = LockReview(tx, request.review_id());
            if (!review) return NotFoundError("review_id: no such review");
            if (!MarkReviewHidden(tx, request.review_id(), operator_id, reason)) {
              return FailedPreconditionError("review_id: the review is already hidden");
            }
            // The review stops counting for its subject, also in job success.
            return RecomputeScore(tx, review->review.subject_id());
          }));
  scores_.Publish(subject_score);
  log::Info("review hidden", {{"review_id", request.review_id()}, {"operator", operator_id}});
  *response.mutable_subject_score() = std::move(subject_score.score);
  return OkStatus();
}

}  // namespace market::reputation
