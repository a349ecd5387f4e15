// Single-item reads through the cache Redis: served from it to everyone but the item's owner,
// written through on every change (so a read right after a write sees it), newest revision
// wins, and every read and write still correct while the cache Redis is down.
#include "item_cache.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "listings_itest_support.hpp"

namespace market::listings::itest {
namespace {

redis::Client CacheRedis() {
  redis::Options options;
  options.port = testing::RedisPort(testing::RedisRole::kCache);
  return redis::Client(options);
}

// Restarts the cache Redis when the test leaves, however it leaves.
struct CacheOutage {
  CacheOutage() { testing::StopRedis(testing::RedisRole::kCache); }
  ~CacheOutage() { testing::StartRedis(testing::RedisRole::kCache); }
};

v1::Job GetJob(Listings& listings, const Account& caller, const std::string& id) {
  auto job = listings.Get(caller, id);
  REQUIRE(job.ok());
  return *job;
}

TEST_CASE("the newest revision wins in the cache, whatever order writers arrive in",
          "[listings][cache]") {
  redis::Client redis = CacheRedis();
  ItemCache cache(redis, "listings:test:");
  const std::string id = NewId();
  CHECK_FALSE(cache.Get(id).has_value());
  cache.Put(id, 2, "second");
  cache.Put(id, 1, "first, late");
  CHECK(cache.Get(id) == "second");
  cache.Put(id, 3, "third");
  CHECK(cache.Get(id) == "third");
  cache.Forget(id);
  CHECK_FALSE(cache.Get(id).has_value());
}

TEST_CASE("a copy forgotten below a coming revision cannot be put back by a late reader",
          "[listings][cache]") {
  redis::Client redis = CacheRedis();
  ItemCache cache(redis, "listings:test:");
  const std::string id = NewId();
  cache.Put(id, 4, "old");
  // A consumer moves the item to revision 5 in a transaction not committed yet.
  cache.ForgetBelow(id, 5);
  CHECK_FALSE(cache.Get(id).has_value());
  // A reader that still saw revision 4 in Postgres tries to fill the cache with it.
  cache.Put(id, 4, "old, read before the commit");
  CHECK_FALSE(cache.Get(id).has_value());
  // After the commit a reader fills it with the new revision.
  cache.Put(id, 5, "new");
  CHECK(cache.Get(id) == "new");
  // Marking below a revision the cache already has changes nothing.
  cache.ForgetBelow(id, 5);
  CHECK(cache.Get(id) == "new");

  const std::string fresh = NewId();
  cache.ForgetBelow(fresh, 1);
  cache.Put(fresh, 1, "first");
  CHECK(cache.Get(fresh) == "first");
}

TEST_CASE("GetJob, GetOffer and GetProfile come from the cache, except to the owner",
          "[listings][cache]") {
  Listings listings;
  redis::Client redis = CacheRedis();
  const Account owner = Client();
  const Account reader = Freelancer();
  const std::string id = listings.Post(owner, FixedJob("Original title"))->id();

  // Plant a copy with the same revision but another title: whoever gets it read the cache.
  v1::Job planted = GetJob(listings, reader, id);
  planted.set_title("Planted in the cache");
  REQUIRE(redis.Command({"HSET", "listings:job:" + id, "d", planted.SerializeAsString()}).ok());
  CHECK(GetJob(listings, reader, id).title() == "Planted in the cache");
  CHECK(GetJob(listings, owner, id).title() == "Original title");

  SECTION("a write is seen at once, by the owner and by everyone else") {
    v1::UpdateJobRequest update;
    update.set_job_id(id);
    *update.mutable_job() = FixedJob("Edited title");
    REQUIRE(listings.Call().UpdateJob(update, Listings::As(owner)).ok());
    CHECK(GetJob(listings, owner, id).title() == "Edited title");
    CHECK(GetJob(listings, reader, id).title() == "Edited title");
    v1::CloseJobRequest close;
    close.set_job_id(id);
    REQUIRE(listings.Call().CloseJob(close, Listings::As(owner)).ok());
    CHECK(GetJob(listings, reader, id).status() == v1::JOB_STATUS_CLOSED);
  }

  SECTION("invitations reach the cached copy: an invited freelancer sees an invite-only job") {
    const Account invited = Freelancer();
    listings.CreateProfile(invited);
    v1::JobFields secret = FixedJob("Invite only");
    secret.set_visibility(v1::JOB_VISIBILITY_INVITE_ONLY);
    const std::string secret_id = listings.Post(owner, secret)->id();
    CHECK(CodeOf(listings.Get(invited, secret_id)) == StatusCode::kNotFound);  // now cached
    v1::InviteToJobRequest invite;
    invite.set_job_id(secret_id);
    invite.add_freelancer_ids(invited.id);
    REQUIRE(listings.Call().InviteToJob(invite, Listings::As(owner)).ok());
    CHECK(listings.Get(invited, secret_id).ok());
    CHECK(CodeOf(listings.Get(Freelancer(), secret_id)) == StatusCode::kNotFound);
  }

  SECTION("offers and profiles likewise") {
    const Account seller = Freelancer();
    listings.CreateProfile(seller);
    v1::CreateOfferRequest create;
    create.mutable_offer()->set_title("Logo design");
    create.mutable_offer()->set_description("Three concepts, one refined.");
    *create.mutable_offer()->mutable_price() = Amount("EUR", 30000);
    create.mutable_offer()->set_delivery_days(7);
    create.mutable_offer()->add_skills("design");
    const std::string offer_id =
        listings.Call().CreateOffer(create, Listings::As(seller))->offer().id();
    v1::Offer planted_offer;
    v1::GetOfferRequest get_offer;
    get_offer.set_offer_id(offer_id);
    planted_offer = listings.Call().GetOffer(get_offer, Listings::As(reader))->offer();
    planted_offer.set_title("Planted offer");
    REQUIRE(
        redis
            .Command({"HSET", "listings:offer:" + offer_id, "d", planted_offer.SerializeAsString()})
            .ok());
    CHECK(listings.Call().GetOffer(get_offer, Listings::As(reader))->offer().title() ==
          "Planted offer");
    CHECK(listings.Call().GetOffer(get_offer, Listings::As(seller))->offer().title() ==
          "Logo design");

    v1::GetProfileRequest get_profile;
    get_profile.set_freelancer_id(seller.id);
    REQUIRE(listings.Call().GetProfile(get_profile, Listings::As(reader)).ok());
    v1::AddPortfolioItemRequest item;
    item.set_title("Rebrand of a bakery");
    item.set_url("https://example.com/bakery");
    REQUIRE(listings.Call().AddPortfolioItem(item, Listings::As(seller)).ok());
    // The portfolio change went through to the cache.
    CHECK(listings.Call()
              .GetProfile(get_profile, Listings::As(reader))
              ->profile()
              .portfolio_items_size() == 1);
  }
}

TEST_CASE("with the cache Redis down, every read and write still answers correctly",
          "[listings][cache][outage]") {
  Listings listings;
  const Account owner = Client();
  const Account reader = Freelancer();
  const std::string id = listings.Post(owner, FixedJob("Before the outage"))->id();
  CHECK(GetJob(listings, reader, id).title() == "Before the outage");  // cached now
  {
    CacheOutage outage;
    CHECK(GetJob(listings, reader, id).title() == "Before the outage");
    auto during = listings.Post(owner, FixedJob("Posted during the outage"));
    REQUIRE(during.ok());
    CHECK(GetJob(listings, reader, during->id()).title() == "Posted during the outage");
    v1::UpdateJobRequest update;
    update.set_job_id(id);
    *update.mutable_job() = FixedJob("Edited during the outage");
    REQUIRE(listings.Call().UpdateJob(update, Listings::As(owner)).ok());
    CHECK(GetJob(listings, owner, id).title() == "Edited during the outage");
    CHECK(GetJob(listings, reader, id).title() == "Edited during the outage");
  }
  // The cache Redis keeps nothing across a restart: the first read after it fills it afresh.
  CHECK(Eventually([&] {
    auto job = listings.Get(reader, id);
    return job.ok() && job->title() == "Edited during the outage";
  }));
}

}  // namespace
}  // namespace market::listings::itest
