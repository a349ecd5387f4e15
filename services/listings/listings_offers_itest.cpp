// Offers and their purchases through the real listings service: ownership, pause and resume,
// validation, and BuyOffer's idempotency (one purchase and one OfferBought event per key, even
// when the same key races itself).
#include "listings_service.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <set>
#include <string>
#include <vector>

#include "listings_itest_support.hpp"
#include "market/connect/error_details.hpp"

namespace market::listings::itest {
namespace {

v1::OfferFields GoodOffer(std::int64_t price = 120000) {
  v1::OfferFields offer;
  offer.set_title("A security review of your REST API");
  offer.set_description("I read your OpenAPI spec and code and report what an attacker would try.");
  *offer.mutable_price() = Amount("EUR", price);
  offer.set_delivery_days(5);
  offer.set_revisions_included(1);
  offer.add_skills("security");
  offer.add_skills("api design");
  return offer;
}

StatusOr<v1::Offer> Create(Listings& listings, const Account& freelancer,
                           const v1::OfferFields& fields = GoodOffer()) {
  v1::CreateOfferRequest request;
  *request.mutable_offer() = fields;
  auto response = listings.Call().CreateOffer(request, Listings::As(freelancer));
  if (!response.ok()) return response.status();
  return response->offer();
}

v1::BuyOfferRequest Purchase(const v1::Offer& offer, std::string key) {
  v1::BuyOfferRequest request;
  request.set_offer_id(offer.id());
  *request.mutable_expected_price() = offer.price();
  request.set_idempotency_key(std::move(key));
  return request;
}

TEST_CASE("a freelancer sells offers; only the seller changes them", "[listings][offers]") {
  Listings listings;
  const Account seller = Freelancer("PT");
  const Account rival = Freelancer();
  listings.CreateProfile(seller, "EUR");

  SECTION("an offer needs a profile first, and the freelancer role") {
    CHECK(CodeOf(Create(listings, rival)) == StatusCode::kFailedPrecondition);
    CHECK(CodeOf(Create(listings, Client())) == StatusCode::kPermissionDenied);
  }

  auto offer = Create(listings, seller);
  REQUIRE(offer.ok());
  CHECK(offer->status() == v1::OFFER_STATUS_ACTIVE);
  CHECK(offer->freelancer_country() == "PT");
  CHECK(offer->skills(1) == "api design");

  SECTION("others cannot update, pause or resume it") {
    listings.CreateProfile(rival);
    v1::UpdateOfferRequest update;
    update.set_offer_id(offer->id());
    *update.mutable_offer() = GoodOffer(1);
    CHECK(CodeOf(listings.Call().UpdateOffer(update, Listings::As(rival))) ==
          StatusCode::kInvalidArgument);  // 0.01 EUR breaks the price rule before ownership
    *update.mutable_offer() = GoodOffer(100);
    CHECK(CodeOf(listings.Call().UpdateOffer(update, Listings::As(rival))) ==
          StatusCode::kPermissionDenied);
    v1::PauseOfferRequest pause;
    pause.set_offer_id(offer->id());
    CHECK(CodeOf(listings.Call().PauseOffer(pause, Listings::As(rival))) ==
          StatusCode::kPermissionDenied);
    v1::GetOfferRequest get;
    get.set_offer_id(offer->id());
    CHECK(listings.Call().GetOffer(get, Listings::As(rival))->offer().price().minor_units() ==
          120000);
  }

  SECTION("the seller pauses and resumes it; paused offers cannot be bought") {
    v1::PauseOfferRequest pause;
    pause.set_offer_id(offer->id());
    auto paused = listings.Call().PauseOffer(pause, Listings::As(seller));
    REQUIRE(paused.ok());
    CHECK(paused->offer().status() == v1::OFFER_STATUS_PAUSED);
    CHECK(CodeOf(listings.Call().PauseOffer(pause, Listings::As(seller))) ==
          StatusCode::kFailedPrecondition);
    CHECK(CodeOf(listings.Call().BuyOffer(Purchase(*offer, "k1"), Listings::As(Client()))) ==
          StatusCode::kFailedPrecondition);
    v1::ResumeOfferRequest resume;
    resume.set_offer_id(offer->id());
    auto resumed = listings.Call().ResumeOffer(resume, Listings::As(seller));
    REQUIRE(resumed.ok());
    CHECK(resumed->offer().status() == v1::OFFER_STATUS_ACTIVE);
    CHECK(resumed->offer().version() == 3);
  }

  SECTION("ListMyOffers lists the caller's own, newest first") {
    auto second = Create(listings, seller);
    REQUIRE(second.ok());
    v1::ListMyOffersRequest request;
    request.mutable_page()->set_page_size(1);
    auto first_page = listings.Call().ListMyOffers(request, Listings::As(seller));
    REQUIRE(first_page.ok());
    REQUIRE(first_page->offers_size() == 1);
    CHECK(first_page->offers(0).id() == second->id());
    request.mutable_page()->set_page_token(first_page->page().next_page_token());
    auto second_page = listings.Call().ListMyOffers(request, Listings::As(seller));
    REQUIRE(second_page.ok());
    REQUIRE(second_page->offers_size() == 1);
    CHECK(second_page->offers(0).id() == offer->id());
    CHECK(second_page->page().next_page_token().empty());
  }
}

TEST_CASE("a bad offer names every bad field", "[listings][offers]") {
  Listings listings;
  const Account seller = Freelancer();
  listings.CreateProfile(seller);
  v1::OfferFields bad;
  bad.set_title(std::string(121, 'x'));
  *bad.mutable_price() = Amount("JPY", 0);
  bad.set_delivery_days(366);
  bad.set_revisions_included(-1);
  const auto refused = Create(listings, seller, bad);
  REQUIRE(CodeOf(refused) == StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : connect::FieldViolationsOf(refused.status())) {
    fields.push_back(violation.field);
  }
  CHECK(fields == std::vector<std::string>{"offer.title", "offer.description",
                                           "offer.price.minor_units", "offer.delivery_days",
                                           "offer.revisions_included", "offer.skills"});
  CHECK(listings.Scalar("SELECT count(*) FROM offers") == 0);
}

TEST_CASE("BuyOffer with a repeated idempotency key buys once and writes one OfferBought",
          "[listings][offers][idempotency]") {
  Listings listings;
  const Account seller = Freelancer("PT");
  listings.CreateProfile(seller, "USD");
  const Account buyer = Client("NL");
  auto offer = Create(listings, seller);
  REQUIRE(offer.ok());

  auto first = listings.Call().BuyOffer(Purchase(*offer, "order-2026-001"), Listings::As(buyer));
  REQUIRE(first.ok());
  CHECK(first->purchase().price().minor_units() == 120000);
  CHECK(first->purchase().client_id() == buyer.id);

  SECTION("a retry returns the first purchase, even after the offer changed") {
    v1::UpdateOfferRequest update;
    update.set_offer_id(offer->id());
    *update.mutable_offer() = GoodOffer(150000);
    REQUIRE(listings.Call().UpdateOffer(update, Listings::As(seller)).ok());
    auto retry = listings.Call().BuyOffer(Purchase(*offer, "order-2026-001"), Listings::As(buyer));
    REQUIRE(retry.ok());
    CHECK(retry->purchase().purchase_id() == first->purchase().purchase_id());
    CHECK(retry->purchase().price().minor_units() == 120000);
    // A new purchase at the old price is refused: the price changed.
    CHECK(CodeOf(listings.Call().BuyOffer(Purchase(*offer, "order-2026-002"),
                                          Listings::As(buyer))) == StatusCode::kFailedPrecondition);
    CHECK(listings.Scalar("SELECT count(*) FROM offer_purchases") == 1);
    CHECK(listings.OutboxCount("OfferBought") == 1);
  }

  SECTION("the same key for another request is refused") {
    v1::BuyOfferRequest different = Purchase(*offer, "order-2026-001");
    different.mutable_expected_price()->set_minor_units(99);
    const auto refused = listings.Call().BuyOffer(different, Listings::As(buyer));
    CHECK(CodeOf(refused) == StatusCode::kAlreadyExists);
    CHECK(refused.status().message().find("idempotency_key:") == 0);
    CHECK(listings.Scalar("SELECT count(*) FROM offer_purchases") == 1);
    CHECK(listings.OutboxCount("OfferBought") == 1);
  }

  SECTION("keys are per client: another client's same key is its own purchase") {
    auto other =
        listings.Call().BuyOffer(Purchase(*offer, "order-2026-001"), Listings::As(Client()));
    REQUIRE(other.ok());
    CHECK(other->purchase().purchase_id() != first->purchase().purchase_id());
    CHECK(listings.OutboxCount("OfferBought") == 2);
  }

  SECTION("the seller cannot buy its own offer") {
    Account seller_as_client = seller;
    seller_as_client.role = auth::Role::kClient;
    CHECK(CodeOf(
              listings.Call().BuyOffer(Purchase(*offer, "self"), Listings::As(seller_as_client))) ==
          StatusCode::kFailedPrecondition);
    CHECK(listings.Scalar("SELECT count(*) FROM offer_purchases") == 1);
    CHECK(listings.OutboxCount("OfferBought") == 1);
  }
}

TEST_CASE("concurrent BuyOffer calls with one key make one purchase", "[listings][offers][race]") {
  Listings listings;
  const Account seller = Freelancer();
  listings.CreateProfile(seller, "EUR");
  auto offer = Create(listings, seller);
  REQUIRE(offer.ok());
  const Account buyer = Client();

  constexpr int kCalls = 8;
  std::vector<std::future<StatusOr<v1::BuyOfferResponse>>> calls;
  for (int i = 0; i < kCalls; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return listings.Call().BuyOffer(Purchase(*offer, "same-key"), Listings::As(buyer));
    }));
  }
  std::set<std::string> purchase_ids;
  for (auto& call : calls) {
    auto reply = call.get();
    REQUIRE(reply.ok());
    purchase_ids.insert(reply->purchase().purchase_id());
  }
  CHECK(purchase_ids.size() == 1);
  CHECK(listings.Scalar("SELECT count(*) FROM offer_purchases") == 1);
  CHECK(listings.OutboxCount("OfferBought") == 1);
}

}  // namespace
}  // namespace market::listings::itest
