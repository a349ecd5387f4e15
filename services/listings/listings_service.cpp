#include "listings_service.hpp"

#include <string_view>
#include <utility>

#include "listings_identity.hpp"
#include "market/common/ids.hpp"
#include "market/common/log.hpp"
#include "market/events/outbox.hpp"
#include "market/money/country.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"

namespace market::listings {

void ToProto(const PortfolioItemRecord& record, v1::PortfolioItem& item) {
  item.set_id(record.id);
  item.set_title(record.fields.title);
  item.set_description(record.fields.description);
  item.set_url(record.fields.url);
  *item.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
}

void ToProto(const ProfileRecord& record, v1::FreelancerProfile& profile) {
  profile.set_freelancer_id(record.freelancer_id);
  profile.set_headline(record.fields.headline);
  profile.set_overview(record.fields.overview);
  profile.clear_skills();
  for (const auto& skill : record.fields.skills) profile.add_skills(skill);
  profile.clear_languages();
  for (const auto& language : record.fields.languages) profile.add_languages(language);
  profile.set_country(record.country);
  profile.set_timezone(record.fields.timezone);
  profile.mutable_hourly_rate()->set_currency(record.fields.hourly_rate_currency);
  profile.mutable_hourly_rate()->set_minor_units(record.fields.hourly_rate_minor_units);
  profile.set_weekly_availability_hours(record.fields.weekly_availability_hours);
  profile.clear_portfolio_items();
  for (const auto& item : record.portfolio_items) ToProto(item, *profile.add_portfolio_items());
  profile.set_version(record.version);
  *profile.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_unix_micros);
  *profile.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_unix_micros);
}

void ToProto(const ReputationRecord& record, v1::ReputationSummary& summary) {
  summary.set_score(record.score);
  summary.set_job_success_percent(record.job_success_percent);
  summary.clear_badges();
  for (const auto& badge : record.badges) summary.add_badges(badge);
  summary.set_review_count(record.review_count);
}

ListingsService::ListingsService(pg::Pool& pool, redis::Client& cache, SearchGateOptions searches)
    : pool_(pool),
      jobs_cache_(cache, "listings:job:"),
      offers_cache_(cache, "listings:offer:"),
      // Entries are whole GetProfileResponses (profile and reputation summary).
      profiles_cache_(cache, "listings:profile-view:"),
      searches_(searches) {}

void ListingsService::CacheProfile(const ProfileRecord& record) {
  v1::GetProfileResponse view;
  ToProto(record, *view.mutable_profile());
  ToProto(record.reputation, *view.mutable_reputation());
  profiles_cache_.Put(record.freelancer_id, record.revision, view.SerializeAsString());
}

// Bidding applies a job's allowed languages from these (ProfileUpdated in listings.proto).
Status EnqueueProfileUpdated(pqxx::work& tx, const ProfileRecord& record) {
  v1::ProfileUpdated event;
  event.set_freelancer_id(record.freelancer_id);
  for (const std::string& language : record.fields.languages) event.add_languages(language);
  event.set_country(record.country);
  event.set_version(record.version);
  *event.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_unix_micros);
  return events::Enqueue(tx, kIdentity.name, record.freelancer_id, event);
}

StatusOr<auth::Principal> ProfileOwner(const connect::CallContext& ctx) {
  return AccountCaller(ctx);
}

StatusOr<auth::Principal> AccountCaller(const connect::CallContext& ctx) {
  const auth::Principal& caller = ctx.Caller();
  // Account ids are UUIDs; a token naming anything else cannot own a profile or a job.
  if (!ids::IsUuid(caller.subject)) {
    return UnauthenticatedError("the token does not name an account");
  }
  return caller;
}

Status ListingsService::UpsertMyProfile(const connect::CallContext& ctx,
                                        const v1::UpsertMyProfileRequest& request,
                                        v1::UpsertMyProfileResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, ProfileOwner(ctx));
  MARKET_ASSIGN_OR_RETURN(const ProfileFields fields, ValidateProfile(request));
  // The country is the account's, vouched for by the token, so a profile cannot claim another.
  if (!money::IsCountryCode(caller.country)) {
    return FailedPreconditionError(
        "country: the caller's account has no ISO 3166-1 country; sign in again");
  }
  MARKET_ASSIGN_OR_RETURN(
      const ProfileRecord record,
      pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline},
                        [&](pqxx::work& tx) -> StatusOr<ProfileRecord> {
                          MARKET_ASSIGN_OR_RETURN(ProfileRecord written,
                                                  WriteProfile(tx, caller.subject, caller.country,
                                                               fields, request.expected_version()));
                          MARKET_RETURN_IF_ERROR(EnqueueProfileUpdated(tx, written));
                          return written;
                        }));
  log::Info("profile written",
            {{"freelancer_id", record.freelancer_id}, {"version", record.version}});
  ToProto(record, *response.mutable_profile());
  CacheProfile(record);
  return OkStatus();
}

Status ListingsService::GetProfile(const connect::CallContext& ctx,
                                   const v1::GetProfileRequest& request,
                                   v1::GetProfileResponse& response) {
  if (!ids::IsUuid(request.freelancer_id())) {
    return InvalidArgumentError("freelancer_id: must be an account id (UUID)");
  }
  // The owner reads Postgres: it must see its own writes even if a write-through was lost.
  if (ctx.Caller().subject != request.freelancer_id()) {
    if (auto bytes = profiles_cache_.Get(request.freelancer_id());
        bytes && response.ParseFromString(*bytes)) {
      return OkStatus();
    }
    response.Clear();
  }
  // Repeatable read: the profile and its portfolio come from one snapshot.
  MARKET_ASSIGN_OR_RETURN(
      std::optional<ProfileRecord> found,
      pg::InTransaction(pool_,
                        pg::TxOptions{.isolation = pg::Isolation::kRepeatableRead,
                                      .deadline = ctx.deadline,
                                      .read_only = true},
                        [&](pqxx::work& tx) -> StatusOr<std::optional<ProfileRecord>> {
                          return FindProfile(tx, request.freelancer_id());
                        }));
  if (!found) return NotFoundError("freelancer_id: this freelancer has no profile");
  ToProto(*found, *response.mutable_profile());
  ToProto(found->reputation, *response.mutable_reputation());
  CacheProfile(*found);
  return OkStatus();
}

Status ListingsService::AddPortfolioItem(const connect::CallContext& ctx,
                                         const v1::AddPortfolioItemRequest& request,
                                         v1::AddPortfolioItemResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, ProfileOwner(ctx));
  MARKET_ASSIGN_OR_RETURN(const PortfolioItemFields fields, ValidatePortfolioItem(request));
  std::optional<ProfileRecord> changed;
  MARKET_ASSIGN_OR_RETURN(
      const PortfolioItemRecord item,
      pg::InTransaction(
          pool_, pg::TxOptions{.deadline = ctx.deadline},
          [&](pqxx::work& tx) -> StatusOr<PortfolioItemRecord> {
            // Counting under the profile's lock: two concurrent adds cannot both pass the limit.
            const std::optional<std::size_t> count = LockProfileCountingItems(tx, caller.subject);
            if (!count) {
              return FailedPreconditionError(
                  "profile: create your profile with UpsertMyProfile before adding portfolio "
                  "items");
            }
            if (*count >= kMaxPortfolioItems) {
              return FailedPreconditionError("portfolio_items: a profile holds at most " +
                                             std::to_string(kMaxPortfolioItems) +
                                             " items; remove one first");
            }
            PortfolioItemRecord added = InsertPortfolioItem(tx, caller.subject, fields);
            BumpProfileRevision(tx, caller.subject);
            changed = FindProfile(tx, caller.subject);
            return added;
          }));
  if (changed) CacheProfile(*changed);
  log::Info("portfolio item added", {{"freelancer_id", caller.subject}, {"item_id", item.id}});
  ToProto(item, *response.mutable_portfolio_item());
  return OkStatus();
}

Status ListingsService::RemovePortfolioItem(const connect::CallContext& ctx,
                                            const v1::RemovePortfolioItemRequest& request,
                                            v1::RemovePortfolioItemResponse&) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, ProfileOwner(ctx));
  if (!ids::IsUuid(request.portfolio_item_id())) {
    return InvalidArgumentError("portfolio_item_id: must be a portfolio item id (UUID)");
  }
  // Ownership is part of the delete's condition. Someone else's item and a missing one get the
  // same not_found, so the answer reveals nothing about other freelancers' portfolios.
  std::optional<ProfileRecord> changed;
  MARKET_RETURN_IF_ERROR(pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        if (!DeletePortfolioItem(tx, caller.subject, request.portfolio_item_id())) {
          return NotFoundError("portfolio_item_id: no such item in your portfolio");
        }
        BumpProfileRevision(tx, caller.subject);
        changed = FindProfile(tx, caller.subject);
        return OkStatus();
      }));
  if (changed) CacheProfile(*changed);
  log::Info("portfolio item removed",
            {{"freelancer_id", caller.subject}, {"item_id", request.portfolio_item_id()}});
  return OkStatus();
}

Status ListingsService::ApplyScoreUpdated(pqxx::work& tx,
                                          const reputation::v1::ScoreUpdated& updated) {
  MARKET_ASSIGN_OR_RETURN(const bool changed, listings::ApplyScoreUpdated(tx, updated));
  if (!changed) return OkStatus();  // a redelivery or an older version
  // GetProfile shows the summary: a new revision, and the cached view goes (the consumer commits
  // after this returns, so the new view cannot be written through yet).
  if (const auto revision = BumpProfileRevision(tx, updated.user_id())) {
    profiles_cache_.ForgetBelow(updated.user_id(), *revision);
  }
  log::Info("reputation summary updated",
            {{"user_id", updated.user_id()}, {"version", updated.version()}});
  return OkStatus();
}

}  // namespace market::listings
