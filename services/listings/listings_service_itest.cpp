// Freelancer profiles through the real listings service: started on its own fresh schema,
// called directly over Connect (no gateway in front), so every authorisation rule is the
// service's own.
#include "listings_service.hpp"

#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/http.hpp>
#include <pqxx/pqxx>

#include "listings_app.hpp"
#include "listings_identity.hpp"
#include "listings_migrations.hpp"
#include "market/auth/service_tokens.hpp"
#include "market/auth/token.hpp"
#include "market/common/base64url.hpp"
#include "market/connect/client.hpp"
#include "market/http/client.hpp"
#include "market/testing/service.hpp"
#include "market/testing/token_keys.hpp"

namespace market::listings {
namespace {

using namespace std::chrono_literals;
using google::protobuf::util::MessageDifferencer;

std::string NewAccountId() {
  static std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

struct TokenSpec {
  std::vector<auth::Role> roles;
  std::string country = "DE";
  std::chrono::seconds lifetime = 1h;
  // Whose key signs: "users" (the gateway's), a service's name, or "stranger" for a key no
  // verifier trusts, presented under the users key's kid.
  std::string_view signer = "users";
};

std::string Bearer(const std::string& subject, const TokenSpec& spec) {
  static const auth::TokenSigner stranger("test-users", auth::Ed25519PrivateKey::Generate());
  const auth::TokenSigner& signer =
      spec.signer == "stranger" ? stranger : *testing::SharedTestTokenKeys().Signer(spec.signer);
  return "Bearer " + signer.Issue({.subject = subject,
                                   .roles = spec.roles,
                                   .country = spec.country,
                                   .expires_at = std::chrono::system_clock::now() + spec.lifetime});
}

std::string FreelancerBearer(const std::string& subject, std::string country = "DE") {
  return Bearer(subject, {.roles = {auth::Role::kFreelancer}, .country = std::move(country)});
}

std::string ClientBearer() { return Bearer(NewAccountId(), {.roles = {auth::Role::kClient}}); }

// The claims a valid freelancer token carries, as JSON, for hand-built tokens.
std::string FreelancerClaims(const std::string& subject) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return R"({"sub":")" + subject + R"(","roles":["freelancer"],"country":"DE","iat":)" +
         std::to_string(now) + R"(,"exp":)" + std::to_string(now + 3600) + R"(,"iss":"market"})";
}

v1::UpsertMyProfileRequest GoodProfile() {
  v1::UpsertMyProfileRequest request;
  request.set_headline("Backend engineer for payment systems");
  request.set_overview("Ten years of C++ and Go.\nLedgers, escrow, FX.");
  request.add_skills("C++");
  request.add_skills("  PostgreSQL ");
  request.add_languages("en");
  request.add_languages("DE");
  request.set_timezone("Europe/Berlin");
  request.mutable_hourly_rate()->set_currency("EUR");
  request.mutable_hourly_rate()->set_minor_units(9500);
  request.set_weekly_availability_hours(30);
  return request;
}

v1::AddPortfolioItemRequest Item(const std::string& title) {
  v1::AddPortfolioItemRequest request;
  request.set_title(title);
  request.set_description("What I built and how.");
  request.set_url("https://example.com/work/" + std::to_string(title.size()));
  return request;
}

// A listings service on a fresh schema, and typed calls to it.
class Listings {
 public:
  Listings()
      : started_(testing::StartService(kIdentity, migrations::listings(),
                                       std::make_unique<ListingsApp>())),
        http_(std::make_shared<http::Client>()) {}

  // The generated client, as other services will call listings.
  v1::ListingsServiceClient Client(connect::Codec codec = connect::Codec::kProto) {
    return v1::ListingsServiceClient(connect::Client(http_, Endpoint(), codec));
  }

  static connect::CallOptions As(const std::string& bearer) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 10s;
    options.authorization = bearer;
    return options;
  }

  StatusOr<v1::FreelancerProfile> Upsert(const v1::UpsertMyProfileRequest& request,
                                         const std::string& bearer) {
    auto response = Client().UpsertMyProfile(request, As(bearer));
    if (!response.ok()) return response.status();
    return response->profile();
  }

  StatusOr<v1::FreelancerProfile> Get(const std::string& freelancer_id, const std::string& bearer,
                                      connect::Codec codec = connect::Codec::kProto) {
    v1::GetProfileRequest request;
    request.set_freelancer_id(freelancer_id);
    auto response = Client(codec).GetProfile(request, As(bearer));
    if (!response.ok()) return response.status();
    return response->profile();
  }

  StatusOr<v1::PortfolioItem> Add(const v1::AddPortfolioItemRequest& request,
                                  const std::string& bearer) {
    auto response = Client().AddPortfolioItem(request, As(bearer));
    if (!response.ok()) return response.status();
    return response->portfolio_item();
  }

  Status Remove(const std::string& item_id, const std::string& bearer) {
    v1::RemovePortfolioItemRequest request;
    request.set_portfolio_item_id(item_id);
    return Client().RemovePortfolioItem(request, As(bearer)).status();
  }

  http::Endpoint Endpoint() const { return started_.endpoint(); }
  http::Client& HttpClient() { return *http_; }

  // The ProfileUpdated events of `freelancer_id` in the outbox, published or not, newest last.
  std::vector<v1::ProfileUpdated> ProfileEvents(const std::string& freelancer_id) {
    pqxx::connection connection(started_.database().dsn);
    pqxx::work tx(connection);
    tx.exec("SET search_path TO " + tx.quote_name(started_.database().schema));
    std::vector<v1::ProfileUpdated> found;
    for (const auto& row :
         tx.exec_params("SELECT payload FROM outbox WHERE event_type = "
                        "'market.listings.v1.ProfileUpdated' AND aggregate_id = $1 ORDER BY id",
                        freelancer_id)) {
      const pqxx::binarystring bytes(row[0]);
      REQUIRE(found.emplace_back().ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
    }
    return found;
  }

 private:
  testing::StartedService started_;
  std::shared_ptr<http::Client> http_;
};

StatusCode CodeOf(const Status& status) { return status.code(); }
template <typename T>
StatusCode CodeOf(const StatusOr<T>& result) {
  return result.status().code();
}

TEST_CASE("UpsertMyProfile refuses every caller without a valid token", "[listings][auth]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  const std::string valid = FreelancerBearer(freelancer);
  const std::string token = valid.substr(std::string_view("Bearer ").size());
  const auto last_dot = token.rfind('.');

  std::string flipped_signature = token;
  char& c = flipped_signature[last_dot + 5];
  c = c == 'A' ? 'B' : 'A';

  // A client's genuine token with its payload swapped for one that claims the freelancer role.
  const std::string client_token = Bearer(freelancer, {.roles = {auth::Role::kClient}}).substr(7);
  const std::string forged_payload = client_token.substr(0, client_token.find('.')) + "." +
                                     Base64UrlEncode(FreelancerClaims(freelancer)) +
                                     client_token.substr(client_token.rfind('.'));

  const std::string alg_none = Base64UrlEncode(R"({"alg":"none","typ":"JWT","kid":"test-users"})") +
                               "." + Base64UrlEncode(FreelancerClaims(freelancer)) + ".";

  const std::pair<const char*, std::string> cases[] = {
      {"no token", ""},
      {"a scheme other than Bearer", "Basic " + token},
      {"an expired token",
       Bearer(freelancer, {.roles = {auth::Role::kFreelancer}, .lifetime = -1min})},
      {"a tampered signature", "Bearer " + flipped_signature},
      {"a forged payload", "Bearer " + forged_payload},
      {"alg none without a signature", "Bearer " + alg_none},
      {"a token signed with a key nobody trusts",
       Bearer(freelancer, {.roles = {auth::Role::kFreelancer}, .signer = "stranger"})},
      {"listings' own service key claiming the freelancer role",
       Bearer(freelancer, {.roles = {auth::Role::kFreelancer}, .signer = "listings"})},
      {"garbage", "Bearer not.a.token"},
  };
  for (const auto& [name, bearer] : cases) {
    INFO(name);
    CHECK(CodeOf(listings.Upsert(GoodProfile(), bearer)) == StatusCode::kUnauthenticated);
  }
  // None of them wrote anything; the genuine token still works.
  CHECK(CodeOf(listings.Get(freelancer, ClientBearer())) == StatusCode::kNotFound);
  REQUIRE(listings.Upsert(GoodProfile(), valid).ok());
}

TEST_CASE("a service key cannot mint an operator; a service calls in its own name",
          "[listings][auth]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  // Bidding's genuine key, signing claims its scope does not allow: refused as unauthenticated,
  // not merely permission_denied, since the token itself is not valid.
  for (const auto& roles : {std::vector{auth::Role::kOperator},
                            std::vector{auth::Role::kService, auth::Role::kOperator}}) {
    const std::string forged =
        Bearer("bidding", {.roles = roles, .country = "", .signer = "bidding"});
    CHECK(CodeOf(listings.Get(freelancer, forged)) == StatusCode::kUnauthenticated);
  }
  CHECK(CodeOf(listings.Get(freelancer, Bearer("escrow", {.roles = {auth::Role::kService},
                                                          .country = "",
                                                          .signer = "bidding"}))) ==
        StatusCode::kUnauthenticated);

  // The same key through ServiceTokens and the client options: let in (no profile yet).
  const auth::ServiceTokens bidding(testing::SharedTestTokenKeys().Signer("bidding"), "bidding");
  v1::GetProfileRequest request;
  request.set_freelancer_id(freelancer);
  const auto reply = listings.Client().GetProfile(
      request, connect::CallOptions::AsService(bidding, std::chrono::steady_clock::now() + 10s));
  CHECK(CodeOf(reply) == StatusCode::kNotFound);
}

TEST_CASE("writing a profile or portfolio needs the freelancer role", "[listings][auth]") {
  Listings listings;
  const std::string account = NewAccountId();
  const std::pair<const char*, std::string> callers[] = {
      {"client", Bearer(account, {.roles = {auth::Role::kClient}})},
      {"operator", Bearer(account, {.roles = {auth::Role::kOperator}})},
      {"service",
       Bearer("bidding", {.roles = {auth::Role::kService}, .country = "", .signer = "bidding"})},
  };
  for (const auto& [name, bearer] : callers) {
    INFO(name);
    const auto upsert = listings.Upsert(GoodProfile(), bearer);
    CHECK(CodeOf(upsert) == StatusCode::kPermissionDenied);
    CHECK(upsert.status().message() == "this call needs the freelancer role");
    CHECK(CodeOf(listings.Add(Item("Ledger"), bearer)) == StatusCode::kPermissionDenied);
    CHECK(CodeOf(listings.Remove(NewAccountId(), bearer)) == StatusCode::kPermissionDenied);
  }
  // The role is checked before the input: bad input from a client is still permission_denied.
  v1::UpsertMyProfileRequest bad;
  CHECK(CodeOf(listings.Upsert(bad, callers[0].second)) == StatusCode::kPermissionDenied);
  CHECK(CodeOf(listings.Get(account, ClientBearer())) == StatusCode::kNotFound);
}

TEST_CASE("a freelancer's own profile is stored and any authenticated caller can read it",
          "[listings][profiles]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  const auto stored = listings.Upsert(GoodProfile(), FreelancerBearer(freelancer));
  REQUIRE(stored.ok());
  CHECK(stored->freelancer_id() == freelancer);
  CHECK(stored->country() == "DE");
  CHECK(stored->version() == 1);
  CHECK(stored->skills(0) == "c++");
  CHECK(stored->skills(1) == "postgresql");
  CHECK(stored->languages(1) == "de");
  CHECK(stored->hourly_rate().currency() == "EUR");
  CHECK(stored->hourly_rate().minor_units() == 9500);
  CHECK(stored->updated_at().seconds() > 0);

  SECTION("in both codecs, for every role") {
    const std::string readers[] = {
        ClientBearer(),
        FreelancerBearer(NewAccountId()),
        Bearer(NewAccountId(), {.roles = {auth::Role::kOperator}}),
        Bearer("bidding", {.roles = {auth::Role::kService}, .country = "", .signer = "bidding"}),
    };
    for (const auto& reader : readers) {
      for (const auto codec : {connect::Codec::kJson, connect::Codec::kProto}) {
        const auto read = listings.Get(freelancer, reader, codec);
        REQUIRE(read.ok());
        CHECK(MessageDifferencer::Equals(*read, *stored));
      }
    }
  }
  SECTION("over GET, since reading has no side effects") {
    http::Request request{boost::beast::http::verb::get,
                          "/market.listings.v1.ListingsService/GetProfile?connect=v1&"
                          "encoding=json&message=%7B%22freelancerId%22%3A%22" +
                              freelancer + "%22%7D",
                          11};
    request.set(boost::beast::http::field::authorization, ClientBearer());
    const auto response = listings.HttpClient().Send(listings.Endpoint(), std::move(request),
                                                     std::chrono::steady_clock::now() + 10s, true);
    REQUIRE(response.ok());
    CHECK(response->result_int() == 200);
    CHECK(response->body().find(R"("headline":"Backend engineer for payment systems")") !=
          std::string::npos);
  }
  SECTION("but not without a token") {
    CHECK(CodeOf(listings.Get(freelancer, "")) == StatusCode::kUnauthenticated);
  }
  SECTION("each write tells bidding the profile's languages, in the write's transaction") {
    const auto events = listings.ProfileEvents(freelancer);
    REQUIRE(events.size() == 1);
    CHECK(events[0].version() == 1);
    CHECK(events[0].country() == "DE");
    CHECK(std::vector<std::string>(events[0].languages().begin(), events[0].languages().end()) ==
          std::vector<std::string>(stored->languages().begin(), stored->languages().end()));
  }
  SECTION("the country follows the token, and each write raises the version") {
    auto request = GoodProfile();
    request.set_headline("Moved to Lisbon");
    const auto moved = listings.Upsert(request, FreelancerBearer(freelancer, "PT"));
    REQUIRE(moved.ok());
    CHECK(moved->country() == "PT");
    CHECK(moved->version() == 2);
    CHECK(moved->created_at().seconds() == stored->created_at().seconds());
    CHECK(listings.Get(freelancer, ClientBearer())->headline() == "Moved to Lisbon");
  }
  SECTION("a freelancer without a profile is not_found, a malformed id invalid_argument") {
    CHECK(CodeOf(listings.Get(NewAccountId(), ClientBearer())) == StatusCode::kNotFound);
    const auto malformed = listings.Get("42", ClientBearer());
    CHECK(CodeOf(malformed) == StatusCode::kInvalidArgument);
    CHECK(malformed.status().message().rfind("freelancer_id:", 0) == 0);
  }
}

TEST_CASE("a stale expected_version is aborted and changes nothing", "[listings][profiles]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  const std::string bearer = FreelancerBearer(freelancer);
  REQUIRE(listings.Upsert(GoodProfile(), bearer).ok());

  auto edit = GoodProfile();
  edit.set_headline("Second edit");
  edit.set_expected_version(1);
  const auto second = listings.Upsert(edit, bearer);
  REQUIRE(second.ok());
  CHECK(second->version() == 2);

  edit.set_headline("Lost edit based on version 1");
  const auto stale = listings.Upsert(edit, bearer);
  CHECK(CodeOf(stale) == StatusCode::kAborted);
  CHECK(stale.status().message().rfind("expected_version:", 0) == 0);
  const auto current = listings.Get(freelancer, bearer);
  REQUIRE(current.ok());
  CHECK(current->version() == 2);
  CHECK(current->headline() == "Second edit");

  SECTION("a positive expected_version does not create a profile") {
    const std::string newcomer = NewAccountId();
    auto request = GoodProfile();
    request.set_expected_version(1);
    CHECK(CodeOf(listings.Upsert(request, FreelancerBearer(newcomer))) == StatusCode::kAborted);
    CHECK(CodeOf(listings.Get(newcomer, bearer)) == StatusCode::kNotFound);
  }
  SECTION("expected_version 0 overwrites whatever is stored") {
    edit.set_expected_version(0);
    const auto overwritten = listings.Upsert(edit, bearer);
    REQUIRE(overwritten.ok());
    CHECK(overwritten->version() == 3);
  }
  SECTION("of writers racing on one version, exactly one wins") {
    std::atomic<int> won{0}, aborted{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i) {
      writers.emplace_back([&, i] {
        auto request = GoodProfile();
        request.set_headline("racer " + std::to_string(i));
        request.set_expected_version(2);
        const auto result = listings.Upsert(request, bearer);
        if (result.ok()) ++won;
        if (CodeOf(result) == StatusCode::kAborted) ++aborted;
      });
    }
    for (auto& writer : writers) writer.join();
    CHECK(won == 1);
    CHECK(aborted == 3);
    CHECK(listings.Get(freelancer, bearer)->version() == 3);
  }
}

TEST_CASE("bad input is invalid_argument naming the field, and nothing is written",
          "[listings][validation]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  const std::string bearer = FreelancerBearer(freelancer);
  struct Case {
    std::string field;
    std::function<void(v1::UpsertMyProfileRequest&)> spoil;
  };
  const Case cases[] = {
      {"headline", [](auto& r) { r.set_headline(""); }},
      {"headline", [](auto& r) { r.set_headline(std::string(121, 'h')); }},
      {"overview", [](auto& r) { r.set_overview(std::string(5001, 'o')); }},
      {"skills", [](auto& r) { r.clear_skills(); }},
      {"skills[2]", [](auto& r) { r.add_skills("c++ "); }},
      {"skills[2]", [](auto& r) { r.add_skills(std::string(41, 's')); }},
      {"languages[2]", [](auto& r) { r.add_languages("klingon"); }},
      {"timezone", [](auto& r) { r.set_timezone("Europe/Berlin; DROP TABLE profiles"); }},
      {"hourly_rate", [](auto& r) { r.clear_hourly_rate(); }},
      {"hourly_rate.currency", [](auto& r) { r.mutable_hourly_rate()->set_currency("XXX"); }},
      {"hourly_rate.minor_units", [](auto& r) { r.mutable_hourly_rate()->set_minor_units(0); }},
      {"weekly_availability_hours", [](auto& r) { r.set_weekly_availability_hours(81); }},
      {"expected_version", [](auto& r) { r.set_expected_version(-1); }},
  };
  for (const auto& c : cases) {
    INFO(c.field);
    auto request = GoodProfile();
    c.spoil(request);
    const auto result = listings.Upsert(request, bearer);
    CHECK(CodeOf(result) == StatusCode::kInvalidArgument);
    CHECK(result.status().message().rfind(c.field + ":", 0) == 0);
  }
  CHECK(CodeOf(listings.Get(freelancer, bearer)) == StatusCode::kNotFound);

  // The same for an existing profile: it stays as it was.
  REQUIRE(listings.Upsert(GoodProfile(), bearer).ok());
  auto bad = GoodProfile();
  bad.set_headline("Changed");
  bad.set_weekly_availability_hours(0);
  CHECK(CodeOf(listings.Upsert(bad, bearer)) == StatusCode::kInvalidArgument);
  const auto unchanged = listings.Get(freelancer, bearer);
  REQUIRE(unchanged.ok());
  CHECK(unchanged->version() == 1);
  CHECK(unchanged->headline() == GoodProfile().headline());

  const std::pair<std::string, v1::AddPortfolioItemRequest> items[] = {
      {"title", Item("")},
      {"url",
       [] {
         auto item = Item("Ledger");
         item.set_url("javascript:alert(1)");
         return item;
       }()},
  };
  for (const auto& [field, item] : items) {
    INFO(field);
    const auto result = listings.Add(item, bearer);
    CHECK(CodeOf(result) == StatusCode::kInvalidArgument);
    CHECK(result.status().message().rfind(field + ":", 0) == 0);
  }
  CHECK(listings.Get(freelancer, bearer)->portfolio_items().empty());
  CHECK(CodeOf(listings.Remove("not-a-uuid", bearer)) == StatusCode::kInvalidArgument);
}

TEST_CASE("a freelancer cannot remove another freelancer's portfolio item",
          "[listings][portfolio]") {
  Listings listings;
  const std::string alice = NewAccountId();
  const std::string bob = NewAccountId();
  REQUIRE(listings.Upsert(GoodProfile(), FreelancerBearer(alice)).ok());
  REQUIRE(listings.Upsert(GoodProfile(), FreelancerBearer(bob)).ok());
  const auto item = listings.Add(Item("Alice's ledger"), FreelancerBearer(alice));
  REQUIRE(item.ok());

  // Bob learns nothing: the same answer as for an item that does not exist at all.
  const Status by_bob = listings.Remove(item->id(), FreelancerBearer(bob));
  const Status missing = listings.Remove(NewAccountId(), FreelancerBearer(bob));
  CHECK(by_bob.code() == StatusCode::kNotFound);
  CHECK(by_bob == missing);
  const auto alice_profile = listings.Get(alice, ClientBearer());
  REQUIRE(alice_profile.ok());
  REQUIRE(alice_profile->portfolio_items_size() == 1);
  CHECK(MessageDifferencer::Equals(alice_profile->portfolio_items(0), *item));

  CHECK(listings.Remove(item->id(), FreelancerBearer(alice)).ok());
  CHECK(listings.Get(alice, ClientBearer())->portfolio_items().empty());
  CHECK(listings.Remove(item->id(), FreelancerBearer(alice)).code() == StatusCode::kNotFound);
}

TEST_CASE("a portfolio holds at most 20 items, even under concurrent adds",
          "[listings][portfolio]") {
  Listings listings;
  const std::string freelancer = NewAccountId();
  const std::string bearer = FreelancerBearer(freelancer);

  CHECK(CodeOf(listings.Add(Item("Before the profile"), bearer)) ==
        StatusCode::kFailedPrecondition);
  REQUIRE(listings.Upsert(GoodProfile(), bearer).ok());

  std::vector<std::string> ids;
  for (int i = 0; i < 19; ++i) {
    const auto item = listings.Add(Item("item " + std::to_string(i)), bearer);
    REQUIRE(item.ok());
    ids.push_back(item->id());
  }
  // Several rounds of adders racing for the one free place: each round exactly one wins, and
  // the winner is removed to free the place for the next round.
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> added{0}, refused{0};
    std::vector<std::thread> adders;
    for (int i = 0; i < 8; ++i) {
      adders.emplace_back([&] {
        const auto result = listings.Add(Item("item 19"), bearer);
        if (result.ok()) ++added;
        if (CodeOf(result) == StatusCode::kFailedPrecondition) ++refused;
      });
    }
    for (auto& adder : adders) adder.join();
    INFO("round " << round);
    CHECK(added == 1);
    CHECK(refused == 7);
    const auto raced = listings.Get(freelancer, bearer);
    REQUIRE(raced.ok());
    REQUIRE(raced->portfolio_items_size() == 20);
    if (round < 4) REQUIRE(listings.Remove(raced->portfolio_items(19).id(), bearer).ok());
  }

  const auto full = listings.Add(Item("item 20"), bearer);
  CHECK(CodeOf(full) == StatusCode::kFailedPrecondition);
  CHECK(full.status().message().rfind("portfolio_items:", 0) == 0);

  const auto profile = listings.Get(freelancer, bearer);
  REQUIRE(profile.ok());
  REQUIRE(profile->portfolio_items_size() == 20);
  for (int i = 0; i < 20; ++i) {
    CHECK(profile->portfolio_items(i).title() == "item " + std::to_string(i));
  }

  REQUIRE(listings.Remove(ids[3], bearer).ok());
  CHECK(listings.Add(Item("replacement"), bearer).ok());
}

}  // namespace
}  // namespace market::listings
