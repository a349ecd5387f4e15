// Reviews against the real service: eligibility from escrow's events, double-blind visibility,
// replies, pagination and moderation.
#include "reputation_itest_support.hpp"

#include <set>

namespace market::reputation::itest {
namespace {

std::string Message(const Status& status) { return std::string(status.message()); }

}  // namespace

TEST_CASE("a review needs an ended contract of the caller that moved money",
          "[reputation][reviews]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);

  SECTION("no money moved: refused") {
    const std::string id = service.Create(client, freelancer, 50'000);
    service.Complete(id, client, freelancer, 0);
    service.WaitEnded(id);
    const auto written = service.Write(client, id, 5);
    CHECK(written.status().code() == StatusCode::kFailedPrecondition);
    CHECK(Message(written.status()).rfind("contract_id: no money moved", 0) == 0);
  }
  SECTION("funded but not ended: refused") {
    const std::string id = service.Create(client, freelancer, 50'000);
    service.Fund(id, 50'000);
    service.WaitFunded(id);
    const auto written = service.Write(freelancer, id, 5);
    CHECK(written.status().code() == StatusCode::kFailedPrecondition);
    CHECK(Message(written.status()).find("has not ended") != std::string::npos);
  }
  SECTION("a contract reputation never heard of, and someone else's: not_found") {
    CHECK(service.Write(client, NewId(), 5).status().code() == StatusCode::kNotFound);
    const std::string id = service.Finished(client, freelancer);
    const User stranger = NewUser(auth::Role::kClient);
    const auto written = service.Write(stranger, id, 1);
    CHECK(written.status().code() == StatusCode::kNotFound);
    CHECK(service.Query<int>("SELECT count(*)::int FROM reviews") == 0);
  }
  SECTION("one review per direction") {
    const std::string id = service.Finished(client, freelancer);
    REQUIRE(service.Write(client, id, 5).ok());
    const auto again = service.Write(client, id, 1);
    CHECK(again.status().code() == StatusCode::kAlreadyExists);
    const auto other = service.Write(freelancer, id, 4);
    REQUIRE(other.ok());
    CHECK(other->review().direction() == v1::DIRECTION_OF_CLIENT);
    CHECK(other->review().subject_id() == client.id);
    CHECK(service.Write(freelancer, id, 4).status().code() == StatusCode::kAlreadyExists);
    CHECK(service.Query<int>("SELECT count(*)::int FROM reviews") == 2);
  }
  SECTION("after the window closed: refused") {
    const std::string id = service.Finished(client, freelancer, 100'000, 60, 61);
    const auto written = service.Write(client, id, 5);
    CHECK(written.status().code() == StatusCode::kFailedPrecondition);
    CHECK(Message(written.status()).find("review window") != std::string::npos);
  }
}

TEST_CASE("escrow's events apply once however often delivered", "[reputation][events]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Create(client, freelancer, 50'000);
  service.Create(client, freelancer, 50'000);  // another contract, so the stream moves on
  escrow::v1::MilestoneFunded funded;
  funded.set_contract_id(id);
  *funded.mutable_amount() = Usd(20'000);
  const std::string event_id = "escrow:" + NewId();
  service.Publish(funded, id, 0, event_id);
  service.Publish(funded, id, 0, event_id);  // the relay published it twice
  service.Fund(id, 5'000);                   // a different event
  REQUIRE(WaitFor([&] {
    // The copy may not exist yet: ContractCreated is consumed asynchronously too.
    return service.Query<std::int64_t>(
               "SELECT coalesce(max(funded_minor), 0) FROM contracts WHERE id = '" + id + "'") >=
           25'000;
  }));
  std::this_thread::sleep_for(500ms);  // a second application, were there one, shows by now
  CHECK(service.Query<std::int64_t>("SELECT funded_minor FROM contracts WHERE id = '" + id + "'") ==
        25'000);
}

TEST_CASE("bad review input is invalid_argument naming the field", "[reputation][reviews]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Finished(client, freelancer);
  v1::WriteReviewRequest request;
  request.set_contract_id(id);
  request.mutable_ratings()->set_overall(5);

  auto expect = [&](const v1::WriteReviewRequest& bad, const User& author,
                    const std::string& start) {
    const auto written = service.Client().WriteReview(bad, Reputation::As(author));
    CAPTURE(start, Message(written.status()));
    CHECK(written.status().code() == StatusCode::kInvalidArgument);
    CHECK(Message(written.status()).rfind(start, 0) == 0);
  };
  v1::WriteReviewRequest bad = request;
  bad.set_contract_id("42");
  expect(bad, client, "contract_id:");
  bad = request;
  bad.clear_ratings();
  expect(bad, client, "ratings:");
  bad = request;
  bad.mutable_ratings()->set_overall(6);
  expect(bad, client, "ratings.overall:");
  bad = request;
  bad.mutable_ratings()->set_payment_promptness(4);  // a client rates no freelancer's payments
  expect(bad, client, "ratings.payment_promptness:");
  bad = request;
  bad.mutable_ratings()->set_deadlines(4);  // a freelancer rates no client's deadlines
  expect(bad, freelancer, "ratings.deadlines:");
  bad = request;
  bad.set_comment(std::string(5001, 'x'));
  expect(bad, client, "comment:");
  CHECK(service.Query<int>("SELECT count(*)::int FROM reviews") == 0);

  request.mutable_ratings()->set_quality(5);
  request.mutable_ratings()->set_deadlines(4);
  request.set_comment("  On time, clean code.  ");
  const auto written = service.Client().WriteReview(request, Reputation::As(client));
  REQUIRE(written.ok());
  CHECK(written->review().comment() == "On time, clean code.");
  CHECK(written->review().ratings().deadlines() == 4);
}

TEST_CASE("double blind: hidden from everyone until both wrote or the window closed",
          "[reputation][reviews]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User stranger = NewUser(auth::Role::kClient);
  const User operator_user = NewUser(auth::Role::kOperator);

  SECTION("one side written: nobody sees it, the score does not move; both: both at once") {
    const std::string id = service.Finished(client, freelancer);
    const auto first = service.Write(client, id, 1, "Missed every deadline.");
    REQUIRE(first.ok());
    CHECK_FALSE(first->visible());
    for (const User* viewer : {&client, &freelancer, &stranger, &operator_user}) {
      CHECK(service.Reviews(*viewer, freelancer).empty());
    }
    CHECK(service.Score(stranger, freelancer.id).review_count() == 0);
    CHECK(service.Score(stranger, freelancer.id).rating() == 4.5);

    const auto second = service.Write(freelancer, id, 5, "Clear brief, paid at once.");
    REQUIRE(second.ok());
    CHECK(second->visible());
    for (const User* viewer : {&client, &freelancer, &stranger, &operator_user}) {
      const auto of_freelancer = service.Reviews(*viewer, freelancer);
      REQUIRE(of_freelancer.size() == 1);
      CHECK(of_freelancer[0].comment() == "Missed every deadline.");
      const auto of_client = service.Reviews(*viewer, client);
      REQUIRE(of_client.size() == 1);
      CHECK(of_client[0].comment() == "Clear brief, paid at once.");
    }
    CHECK(service.Score(stranger, freelancer.id).review_count() == 1);
    CHECK(service.Score(stranger, freelancer.id).rating() < 4.5);
    CHECK(service.Score(stranger, client.id).client_review_count() == 1);
  }
  SECTION("one side written and the window closes: visible without the other") {
    const std::string id = service.Finished(client, freelancer, 100'000, 2);
    const auto first = service.Write(client, id, 5);
    REQUIRE(first.ok());
    CHECK_FALSE(first->visible());
    CHECK(service.Reviews(stranger, freelancer).empty());
    CHECK(service.Score(stranger, freelancer.id).review_count() == 0);
    // The window is two seconds from the end; nothing flips a flag, the clock does.
    CHECK(WaitFor([&] { return service.Reviews(stranger, freelancer).size() == 1; }, 5s));
    CHECK(WaitFor([&] { return service.Score(stranger, freelancer.id).review_count() == 1; }, 3s));
    CHECK(service.Write(freelancer, id, 5).status().code() == StatusCode::kFailedPrecondition);
  }
}

TEST_CASE("the subject replies once to a visible review of them", "[reputation][reviews]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const std::string id = service.Finished(client, freelancer);
  const auto review = service.Write(client, id, 3, "Fine.");
  REQUIRE(review.ok());

  v1::ReplyToReviewRequest request;
  request.set_review_id(review->review().id());
  request.set_text("Thank you; the scope grew twice.");
  // Still blind: the subject cannot see it, so cannot reply.
  CHECK(service.Client().ReplyToReview(request, Reputation::As(freelancer)).status().code() ==
        StatusCode::kNotFound);
  REQUIRE(service.Write(freelancer, id, 5).ok());

  CHECK(service.Client().ReplyToReview(request, Reputation::As(client)).status().code() ==
        StatusCode::kNotFound);  // the author is not the subject
  v1::ReplyToReviewRequest empty = request;
  empty.set_text(" ");
  CHECK(service.Client().ReplyToReview(empty, Reputation::As(freelancer)).status().code() ==
        StatusCode::kInvalidArgument);
  const auto replied = service.Client().ReplyToReview(request, Reputation::As(freelancer));
  REQUIRE(replied.ok());
  CHECK(replied->review().reply().text() == "Thank you; the scope grew twice.");
  CHECK(service.Client().ReplyToReview(request, Reputation::As(freelancer)).status().code() ==
        StatusCode::kAlreadyExists);
  const auto listed = service.Reviews(client, freelancer);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].reply().text() == "Thank you; the scope grew twice.");
}

TEST_CASE("a user's reviews come in keyset pages, newest first", "[reputation][reviews]") {
  Reputation service;
  const User freelancer = NewUser(auth::Role::kFreelancer);
  std::vector<std::string> written;
  for (int i = 0; i < 5; ++i) {
    const User client = NewUser(auth::Role::kClient);
    // Windows already closed a second after a review: visible without the other side.
    const std::string id = service.Finished(client, freelancer, 100'000, 3600);
    const auto review = service.Write(client, id, 1 + i);
    REQUIRE(review.ok());
    REQUIRE(service.Write(freelancer, id, 5).ok());
    written.push_back(review->review().id());
  }
  v1::ListReviewsRequest request;
  request.set_user_id(freelancer.id);
  request.set_direction(v1::DIRECTION_OF_FREELANCER);
  request.mutable_page()->set_page_size(2);
  std::vector<std::string> seen;
  std::vector<int> sizes;
  do {
    const auto page = service.Client().ListReviews(request, Reputation::As(freelancer));
    REQUIRE(page.ok());
    sizes.push_back(page->reviews_size());
    for (const auto& review : page->reviews()) seen.push_back(review.id());
    request.mutable_page()->set_page_token(page->page().next_page_token());
  } while (!request.page().page_token().empty() && sizes.size() < 10);
  CHECK(sizes == std::vector<int>{2, 2, 1});
  CHECK(seen == std::vector<std::string>(written.rbegin(), written.rend()));

  request.mutable_page()->set_page_token("");
  request.mutable_page()->set_page_size(101);
  auto refused = service.Client().ListReviews(request, Reputation::As(freelancer));
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(Message(refused.status()).rfind("page.page_size:", 0) == 0);
  request.mutable_page()->set_page_size(2);
  request.mutable_page()->set_page_token("not-a-token");
  refused = service.Client().ListReviews(request, Reputation::As(freelancer));
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(Message(refused.status()).rfind("page.page_token:", 0) == 0);
}

TEST_CASE("an operator hides a review with a reason: it stops counting, the score is recomputed",
          "[reputation][moderation]") {
  Reputation service;
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User operator_user = NewUser(auth::Role::kOperator);
  const std::string id = service.Finished(client, freelancer);
  const auto abusive = service.Write(client, id, 1, "abusive words");
  REQUIRE(abusive.ok());
  REQUIRE(service.Write(freelancer, id, 5).ok());
  const v1::Score before = service.Score(client, freelancer.id);
  REQUIRE(before.review_count() == 1);
  REQUIRE(before.rating() < 4.5);

  v1::HideReviewRequest request;
  request.set_review_id(abusive->review().id());
  request.set_reason("Insults, not a review of the work.");
  CHECK(service.Client().HideReview(request, Reputation::As(freelancer)).status().code() ==
        StatusCode::kPermissionDenied);
  v1::HideReviewRequest no_reason = request;
  no_reason.set_reason("");
  const auto refused = service.Client().HideReview(no_reason, Reputation::As(operator_user));
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(Message(refused.status()).rfind("reason:", 0) == 0);

  const auto hidden = service.Client().HideReview(request, Reputation::As(operator_user));
  REQUIRE(hidden.ok());
  CHECK(hidden->subject_score().review_count() == 0);
  CHECK(hidden->subject_score().rating() == 4.5);
  CHECK(service.Score(client, freelancer.id).review_count() == 0);
  CHECK(service.Reviews(client, freelancer).empty());
  CHECK(service.Reviews(client, client).size() == 1);  // the other direction stays
  CHECK(service.Query<std::string>("SELECT operator_id || ' ' || action || ' ' || reason "
                                   "FROM moderation_log") ==
        operator_user.id + " hide Insults, not a review of the work.");
  CHECK(service.Client().HideReview(request, Reputation::As(operator_user)).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(service.Query<int>("SELECT count(*)::int FROM moderation_log") == 1);
}

}  // namespace market::reputation::itest
