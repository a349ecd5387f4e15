// The search methods of ListingsService. A call goes: generated Register() (token, role) → the
// method here (filters, sort and cursor checked by search_filters.cpp) → job_search.cpp (one
// SQL statement: match, filters, FX conversion, visibility, keyset page) or catalog_search.cpp
// (freelancers and offers, the same way).
#include <string>

#include "catalog_search.hpp"
#include "job_proto.hpp"
#include "job_search.hpp"
#include "listings_service.hpp"
#include "market/connect/error_details.hpp"
#include "market/pg/transaction.hpp"

namespace market::listings {
namespace {

inline constexpr std::string_view kJobSearchList = "jobs.search";
inline constexpr std::string_view kFreelancerSearchList = "freelancers.search";
inline constexpr std::string_view kOfferSearchList = "offers.search";

// A text match can gather tens of thousands of rows. With the server's 4 MB their bitmap turns
// lossy and every row of a lossy page is read and matched again: on a million jobs "translation"
// with a language went from 550-610 ms to 390-450 ms with 64 MB, "mobile app" by amount from
// 730-900 ms to 610-660 ms (README, Benchmark). Taken per sort or bitmap, by searches only.
inline constexpr int kSearchWorkMemKb = 64 * 1024;

pg::TxOptions SearchTx(const connect::CallContext& ctx) {
  return {.deadline = ctx.deadline, .read_only = true, .work_mem_kb = kSearchWorkMemKb};
}

}  // namespace

Status ListingsService::SearchJobs(const connect::CallContext& ctx,
                                   const v1::SearchJobsRequest& request,
                                   v1::SearchJobsResponse& response) {
  const auth::Principal& caller = ctx.Caller();
  connect::FieldViolations violations;
  JobSearch search;
  search.basics = CheckSearchBasics({.list = kJobSearchList,
                                     .query = request.query(),
                                     .skills = request.skills(),
                                     .country = request.country(),
                                     .language = request.language(),
                                     .range = request.has_budget() ? &request.budget() : nullptr,
                                     .range_field = "budget",
                                     .sort = request.sort(),
                                     .reputation_allowed = false,
                                     .page = request.page()},
                                    violations);
  for (int i = 0; i < request.statuses_size(); ++i) {
    const int status = request.statuses(i);
    if (status == v1::JOB_STATUS_UNSPECIFIED || !v1::JobStatus_IsValid(status)) {
      violations.Add("statuses[" + std::to_string(i) + "]", "must be a JobStatus value");
    } else {
      search.statuses.push_back(static_cast<v1::JobStatus>(status));
    }
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  search.caller_id = caller.subject;
  search.staff = caller.HasRole(auth::Role::kOperator) || caller.HasRole(auth::Role::kService);

  const int page_size = search.basics.page_size;
  // Bounded like every search (search_gate.hpp): beyond its places, a quick refusal with a
  // retry delay instead of a queue in front of every other call.
  MARKET_ASSIGN_OR_RETURN(const SearchGate::Place place, searches_.Enter(ctx.deadline));
  MARKET_ASSIGN_OR_RETURN(
      std::vector<JobHit> hits,
      pg::InTransaction(pool_, SearchTx(ctx), [&](pqxx::work& tx) -> StatusOr<std::vector<JobHit>> {
        return SearchJobRows(tx, search, page_size + 1);
      }));
  const bool more = hits.size() > static_cast<std::size_t>(page_size);
  if (more) hits.resize(page_size);
  for (const auto& hit : hits) ToProto(hit.job, AudienceOf(hit.job, caller), *response.add_jobs());
  if (more) {
    response.mutable_page()->set_next_page_token(NextSearchPageToken(
        kJobSearchList, search.basics.order, hits.back().sort_key, hits.back().job.seq));
  }
  return OkStatus();
}

Status ListingsService::SearchFreelancers(const connect::CallContext& ctx,
                                          const v1::SearchFreelancersRequest& request,
                                          v1::SearchFreelancersResponse& response) {
  connect::FieldViolations violations;
  const SearchBasics search =
      CheckSearchBasics({.list = kFreelancerSearchList,
                         .query = request.query(),
                         .skills = request.skills(),
                         .country = request.country(),
                         .language = request.language(),
                         .range = request.has_hourly_rate() ? &request.hourly_rate() : nullptr,
                         .range_field = "hourly_rate",
                         .sort = request.sort(),
                         .reputation_allowed = true,
                         .page = request.page()},
                        violations);
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(const SearchGate::Place place, searches_.Enter(ctx.deadline));
  MARKET_ASSIGN_OR_RETURN(
      std::vector<FreelancerHit> hits,
      pg::InTransaction(pool_, SearchTx(ctx),
                        [&](pqxx::work& tx) -> StatusOr<std::vector<FreelancerHit>> {
                          return SearchFreelancerRows(tx, search, search.page_size + 1);
                        }));
  const bool more = hits.size() > static_cast<std::size_t>(search.page_size);
  if (more) hits.resize(search.page_size);
  for (const auto& hit : hits) {
    v1::FreelancerResult& result = *response.add_freelancers();
    ToProto(hit.profile, *result.mutable_profile());
    ToProto(hit.profile.reputation, *result.mutable_reputation());
  }
  if (more) {
    response.mutable_page()->set_next_page_token(NextSearchPageToken(
        kFreelancerSearchList, search.order, hits.back().sort_key, hits.back().seq));
  }
  return OkStatus();
}

Status ListingsService::SearchOffers(const connect::CallContext& ctx,
                                     const v1::SearchOffersRequest& request,
                                     v1::SearchOffersResponse& response) {
  static const std::string kAnyLanguage;
  connect::FieldViolations violations;
  const SearchBasics search =
      CheckSearchBasics({.list = kOfferSearchList,
                         .query = request.query(),
                         .skills = request.skills(),
                         .country = request.country(),
                         .language = kAnyLanguage,
                         .range = request.has_price() ? &request.price() : nullptr,
                         .range_field = "price",
                         .sort = request.sort(),
                         .reputation_allowed = false,
                         .page = request.page()},
                        violations);
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  MARKET_ASSIGN_OR_RETURN(const SearchGate::Place place, searches_.Enter(ctx.deadline));
  MARKET_ASSIGN_OR_RETURN(std::vector<OfferHit> hits,
                          pg::InTransaction(pool_, SearchTx(ctx),
                                            [&](pqxx::work& tx) -> StatusOr<std::vector<OfferHit>> {
                                              return SearchOfferRows(tx, search,
                                                                     search.page_size + 1);
                                            }));
  const bool more = hits.size() > static_cast<std::size_t>(search.page_size);
  if (more) hits.resize(search.page_size);
  for (const auto& hit : hits) ToProto(hit.offer, *response.add_offers());
  if (more) {
    response.mutable_page()->set_next_page_token(NextSearchPageToken(
        kOfferSearchList, search.order, hits.back().sort_key, hits.back().offer.seq));
  }
  return OkStatus();
}

}  // namespace market::listings
