// Jobs through the real listings service on its own schema, called over Connect without the
// gateway: ownership, invite-only visibility, status transitions, validation, paging, the
// outbox events, and bidding's BidAccepted marking a job filled exactly once.
#include "listings_service.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "listings_itest_support.hpp"
#include "market/connect/error_details.hpp"

namespace market::listings::itest {
namespace {

TEST_CASE("a client posts a job; anyone reads it, only its owner changes it", "[listings][jobs]") {
  Listings listings;
  const Account owner = Client("FR");
  const Account other_client = Client();
  const Account freelancer = Freelancer();

  auto posted = listings.Post(owner, FixedJob());
  REQUIRE(posted.ok());
  CHECK(posted->client_id() == owner.id);
  CHECK(posted->client_country() == "FR");
  CHECK(posted->status() == v1::JOB_STATUS_OPEN);
  CHECK(posted->version() == 1);
  CHECK(posted->budget().fixed_price().minor_units() == 250000);

  for (const Account& reader : {owner, other_client, freelancer, Operator()}) {
    auto read = listings.Get(reader, posted->id());
    REQUIRE(read.ok());
    CHECK(read->title() == posted->title());
  }

  SECTION("posting needs the client role") {
    CHECK(CodeOf(listings.Post(freelancer, FixedJob())) == StatusCode::kPermissionDenied);
  }

  SECTION("another client can neither edit, close, cancel nor invite") {
    v1::UpdateJobRequest update;
    update.set_job_id(posted->id());
    *update.mutable_job() = FixedJob("Hijacked");
    CHECK(CodeOf(listings.Call().UpdateJob(update, Listings::As(other_client))) ==
          StatusCode::kPermissionDenied);
    v1::CloseJobRequest close;
    close.set_job_id(posted->id());
    CHECK(CodeOf(listings.Call().CloseJob(close, Listings::As(other_client))) ==
          StatusCode::kPermissionDenied);
    v1::CancelJobRequest cancel;
    cancel.set_job_id(posted->id());
    CHECK(CodeOf(listings.Call().CancelJob(cancel, Listings::As(other_client))) ==
          StatusCode::kPermissionDenied);
    v1::InviteToJobRequest invite;
    invite.set_job_id(posted->id());
    invite.add_freelancer_ids(freelancer.id);
    CHECK(CodeOf(listings.Call().InviteToJob(invite, Listings::As(other_client))) ==
          StatusCode::kPermissionDenied);
    // A freelancer is refused by role before anything else.
    CHECK(CodeOf(listings.Call().CloseJob(close, Listings::As(freelancer))) ==
          StatusCode::kPermissionDenied);
    auto unchanged = listings.Get(owner, posted->id());
    REQUIRE(unchanged.ok());
    CHECK(unchanged->title() == posted->title());
    CHECK(unchanged->status() == v1::JOB_STATUS_OPEN);
    CHECK(unchanged->version() == 1);
  }

  SECTION("the owner's update replaces the fields and raises the version") {
    v1::UpdateJobRequest update;
    update.set_job_id(posted->id());
    *update.mutable_job() = FixedJob("Reconcile card payouts", Amount("EUR", 300000));
    update.set_expected_version(1);
    auto updated = listings.Call().UpdateJob(update, Listings::As(owner));
    REQUIRE(updated.ok());
    CHECK(updated->job().title() == "Reconcile card payouts");
    CHECK(updated->job().version() == 2);
    // A writer that read version 1 is too late now.
    const auto stale = listings.Call().UpdateJob(update, Listings::As(owner));
    CHECK(CodeOf(stale) == StatusCode::kAborted);
    CHECK(listings.Get(freelancer, posted->id())->budget().fixed_price().minor_units() == 300000);
    CHECK(listings.OutboxCount("JobUpdated") == 1);
  }
  CHECK(listings.OutboxCount("JobPosted") == 1);
}

TEST_CASE("an invite-only job does not exist for anyone its owner did not invite",
          "[listings][jobs]") {
  Listings listings;
  const Account owner = Client();
  const Account invited = Freelancer();
  const Account outsider = Freelancer();
  const Account other_client = Client();
  listings.CreateProfile(invited);
  listings.CreateProfile(outsider);

  v1::JobFields fields = FixedJob("Confidential: migrate the payroll ledger");
  fields.set_visibility(v1::JOB_VISIBILITY_INVITE_ONLY);
  auto job = listings.Post(owner, fields);
  REQUIRE(job.ok());

  v1::InviteToJobRequest invite;
  invite.set_job_id(job->id());
  invite.add_freelancer_ids(invited.id);
  auto invited_reply = listings.Call().InviteToJob(invite, Listings::As(owner));
  REQUIRE(invited_reply.ok());
  CHECK(std::vector<std::string>(invited_reply->newly_invited_freelancer_ids().begin(),
                                 invited_reply->newly_invited_freelancer_ids().end()) ==
        std::vector<std::string>{invited.id});
  // Inviting again is a no-op with no second event.
  auto again = listings.Call().InviteToJob(invite, Listings::As(owner));
  REQUIRE(again.ok());
  CHECK(again->newly_invited_freelancer_ids().empty());
  CHECK(listings.OutboxCount("JobInvited") == 1);

  SECTION("get: not_found for outsiders, visible to the invited and the owner") {
    CHECK(CodeOf(listings.Get(outsider, job->id())) == StatusCode::kNotFound);
    CHECK(CodeOf(listings.Get(other_client, job->id())) == StatusCode::kNotFound);
    // Exactly the answer for a job that does not exist.
    const auto hidden = listings.Get(outsider, job->id());
    const auto missing = listings.Get(outsider, NewId());
    CHECK(hidden.status().message() == missing.status().message());

    auto seen = listings.Get(invited, job->id());
    REQUIRE(seen.ok());
    // The invitee does not learn who else was invited.
    CHECK(seen->invited_freelancer_ids().empty());
    auto owned = listings.Get(owner, job->id());
    REQUIRE(owned.ok());
    CHECK(owned->invited_freelancer_ids_size() == 1);
  }

  SECTION("changes by others: not_found, not permission_denied") {
    v1::CloseJobRequest close;
    close.set_job_id(job->id());
    CHECK(CodeOf(listings.Call().CloseJob(close, Listings::As(other_client))) ==
          StatusCode::kNotFound);
  }

  SECTION("list: another client's listing never shows it") {
    v1::ListMyJobsRequest request;
    auto mine = listings.Call().ListMyJobs(request, Listings::As(other_client));
    REQUIRE(mine.ok());
    CHECK(mine->jobs().empty());
  }

  SECTION("only existing freelancer profiles can be invited") {
    v1::InviteToJobRequest unknown;
    unknown.set_job_id(job->id());
    unknown.add_freelancer_ids(outsider.id);
    unknown.add_freelancer_ids(NewId());
    const auto refused = listings.Call().InviteToJob(unknown, Listings::As(owner));
    CHECK(CodeOf(refused) == StatusCode::kNotFound);
    CHECK(refused.status().message() == "freelancer_ids[1]: no freelancer profile has this id");
    // Nothing of the refused call stuck: the outsider is still not invited.
    CHECK(CodeOf(listings.Get(outsider, job->id())) == StatusCode::kNotFound);
  }
}

TEST_CASE("a job's status only moves forward; filled and cancelled are final", "[listings][jobs]") {
  Listings listings;
  const Account owner = Client();
  auto call = listings.Call();
  const auto close = [&](const std::string& id) {
    v1::CloseJobRequest request;
    request.set_job_id(id);
    return call.CloseJob(request, Listings::As(owner)).status();
  };
  const auto cancel = [&](const std::string& id) {
    v1::CancelJobRequest request;
    request.set_job_id(id);
    return call.CancelJob(request, Listings::As(owner)).status();
  };
  const auto update = [&](const std::string& id) {
    v1::UpdateJobRequest request;
    request.set_job_id(id);
    *request.mutable_job() = FixedJob("Edited");
    return call.UpdateJob(request, Listings::As(owner)).status();
  };

  const std::string id = listings.Post(owner, FixedJob())->id();
  CHECK(close(id).ok());
  CHECK(listings.Get(owner, id)->status() == v1::JOB_STATUS_CLOSED);
  CHECK(CodeOf(close(id)) == StatusCode::kFailedPrecondition);
  CHECK(CodeOf(update(id)) == StatusCode::kFailedPrecondition);
  CHECK(cancel(id).ok());
  CHECK(listings.Get(owner, id)->status() == v1::JOB_STATUS_CANCELLED);
  CHECK(CodeOf(cancel(id)) == StatusCode::kFailedPrecondition);
  CHECK(CodeOf(close(id)) == StatusCode::kFailedPrecondition);
  CHECK(CodeOf(update(id)) == StatusCode::kFailedPrecondition);
  CHECK(listings.OutboxCount("JobClosed") == 1);
  CHECK(listings.OutboxCount("JobCancelled") == 1);

  const std::string open_then_cancelled = listings.Post(owner, FixedJob())->id();
  CHECK(cancel(open_then_cancelled).ok());
  CHECK(listings.OutboxCount("JobCancelled") == 2);
}

TEST_CASE("a bad job is invalid_argument naming every bad field, and nothing is stored",
          "[listings][jobs]") {
  Listings listings;
  const Account owner = Client();
  v1::JobFields bad = FixedJob("");
  bad.mutable_budget()->mutable_fixed_price()->set_currency("EURO");
  bad.add_allowed_countries("ZZ");
  *bad.mutable_bid_deadline() = In(-1h);
  const auto refused = listings.Post(owner, bad);
  REQUIRE(CodeOf(refused) == StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : connect::FieldViolationsOf(refused.status())) {
    fields.push_back(violation.field);
  }
  CHECK(fields == std::vector<std::string>{"job.title", "job.budget.fixed_price.currency",
                                           "job.allowed_countries[0]", "job.bid_deadline"});
  CHECK(refused.status().message().find("job.title: must not be empty") == 0);
  CHECK(listings.Scalar("SELECT count(*) FROM jobs") == 0);
  CHECK(listings.Scalar("SELECT count(*) FROM outbox") == 0);

  v1::GetJobRequest get;
  get.set_job_id("42");
  CHECK(listings.Call().GetJob(get, Listings::As(owner)).status().message() ==
        "job_id: must be a job id (UUID)");
}

TEST_CASE("ListMyJobs pages through the caller's jobs newest first, filtered by status",
          "[listings][jobs]") {
  Listings listings;
  const Account owner = Client();
  std::vector<std::string> posted;
  for (int i = 0; i < 5; ++i) {
    posted.push_back(listings.Post(owner, FixedJob("Job number " + std::to_string(i)))->id());
  }
  REQUIRE(listings.Post(Client(), FixedJob("Someone else's")).ok());
  v1::CloseJobRequest close;
  close.set_job_id(posted[1]);
  REQUIRE(listings.Call().CloseJob(close, Listings::As(owner)).ok());

  std::vector<std::string> seen;
  v1::ListMyJobsRequest request;
  request.mutable_page()->set_page_size(2);
  int pages = 0;
  do {
    auto page = listings.Call().ListMyJobs(request, Listings::As(owner));
    REQUIRE(page.ok());
    ++pages;
    for (const auto& job : page->jobs()) seen.push_back(job.id());
    request.mutable_page()->set_page_token(page->page().next_page_token());
  } while (!request.page().page_token().empty());
  CHECK(pages == 3);
  CHECK(seen == std::vector<std::string>{posted[4], posted[3], posted[2], posted[1], posted[0]});

  v1::ListMyJobsRequest closed_only;
  closed_only.add_statuses(v1::JOB_STATUS_CLOSED);
  auto closed = listings.Call().ListMyJobs(closed_only, Listings::As(owner));
  REQUIRE(closed.ok());
  REQUIRE(closed->jobs_size() == 1);
  CHECK(closed->jobs(0).id() == posted[1]);

  v1::ListMyJobsRequest too_big;
  too_big.mutable_page()->set_page_size(101);
  CHECK(CodeOf(listings.Call().ListMyJobs(too_big, Listings::As(owner))) ==
        StatusCode::kInvalidArgument);
  v1::ListMyJobsRequest forged;
  forged.mutable_page()->set_page_token("bm90IGEgdG9rZW4");
  CHECK(listings.Call()
            .ListMyJobs(forged, Listings::As(owner))
            .status()
            .message()
            .find("page.page_token:") == 0);
}

TEST_CASE("bidding's BidAccepted fills the job exactly once, however often it arrives",
          "[listings][jobs][events]") {
  Listings listings;
  const Account owner = Client();
  const std::string job_id = listings.Post(owner, FixedJob())->id();

  bidding::v1::BidAccepted accepted;
  accepted.set_bid_id(NewId());
  accepted.set_job_id(job_id);
  accepted.set_client_id(owner.id);
  // The same event twice (a relay that re-published it), then another event for the same job.
  listings.Publish(listings.bidding_stream(), "bidding:1", accepted);
  listings.Publish(listings.bidding_stream(), "bidding:1", accepted);
  bidding::v1::BidAccepted late = accepted;
  late.set_bid_id(NewId());
  listings.Publish(listings.bidding_stream(), "bidding:2", late);

  REQUIRE(Eventually([&] {
    return listings.Scalar("SELECT count(*) FROM processed_events WHERE event_id = 'bidding:2'") ==
           1;
  }));
  auto filled = listings.Get(owner, job_id);
  REQUIRE(filled.ok());
  CHECK(filled->status() == v1::JOB_STATUS_FILLED);
  CHECK(listings.OutboxCount("JobFilled") == 1);
  CHECK(listings.Scalar("SELECT count(*) FROM jobs WHERE filled_by_bid_id = '" + accepted.bid_id() +
                        "'") == 1);

  // Filled is final.
  v1::CancelJobRequest cancel;
  cancel.set_job_id(job_id);
  CHECK(CodeOf(listings.Call().CancelJob(cancel, Listings::As(owner))) ==
        StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace market::listings::itest
