#include "market/auth/token_cache.hpp"

#include <catch2/catch.hpp>

namespace market::auth {
namespace {

using Clock = TokenCache::Clock;
using std::chrono::seconds;

const Clock::time_point kNow{seconds(1796024400)};

Principal Named(std::string subject) {
  return Principal{.subject = std::move(subject), .roles = {Role::kClient}};
}

TEST_CASE("a cached token is found until the moment it stops being valid", "[token_cache]") {
  TokenCache cache(10);
  cache.Insert("token-a", Named("a"), kNow + seconds(60));
  REQUIRE(cache.Find("token-a", kNow).has_value());
  CHECK(cache.Find("token-a", kNow)->subject == "a");
  CHECK(cache.Find("token-a", kNow + seconds(59)).has_value());
  CHECK_FALSE(cache.Find("token-a", kNow + seconds(60)).has_value());
  // The expired entry is gone, not merely hidden.
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.Find("token-b", kNow).has_value());
}

TEST_CASE("the cache holds at most its capacity, dropping the least recently used",
          "[token_cache]") {
  TokenCache cache(2);
  cache.Insert("a", Named("a"), kNow + seconds(60));
  cache.Insert("b", Named("b"), kNow + seconds(60));
  REQUIRE(cache.Find("a", kNow).has_value());  // "b" is now the least recently used
  cache.Insert("c", Named("c"), kNow + seconds(60));
  CHECK(cache.size() == 2);
  CHECK(cache.Find("a", kNow).has_value());
  CHECK_FALSE(cache.Find("b", kNow).has_value());
  CHECK(cache.Find("c", kNow).has_value());
  for (int i = 0; i < 100; ++i) cache.Insert(std::to_string(i), Named("n"), kNow + seconds(60));
  CHECK(cache.size() == 2);
}

TEST_CASE("a cache of capacity 0 remembers nothing", "[token_cache]") {
  TokenCache cache(0);
  cache.Insert("a", Named("a"), kNow + seconds(60));
  CHECK_FALSE(cache.Find("a", kNow).has_value());
  CHECK(cache.size() == 0);
}

}  // namespace
}  // namespace market::auth
