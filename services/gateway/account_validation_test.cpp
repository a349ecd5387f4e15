#include "account_validation.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>

namespace market::gateway {
namespace {

identity::v1::RegisterRequest GoodRegistration() {
  identity::v1::RegisterRequest request;
  request.set_email(" Ada@Example.COM ");
  request.set_password("correct horse battery");
  request.set_display_name("Ada Lovelace");
  request.set_country("GB");
  request.add_roles(identity::v1::ROLE_FREELANCER);
  request.set_company_name("Analytical Engines Ltd");
  request.set_preferred_currency("GBP");
  return request;
}

TEST_CASE("a complete registration is accepted and its email normalised", "[gateway]") {
  const auto account = ValidateRegistration(GoodRegistration());
  REQUIRE(account.ok());
  CHECK(account->email == "ada@example.com");
  CHECK(account->display_name == "Ada Lovelace");
  CHECK(account->country == "GB");
  CHECK(account->roles == std::vector<auth::Role>{auth::Role::kFreelancer});
}

TEST_CASE("each bad registration field is invalid_argument naming that field", "[gateway]") {
  struct Case {
    const char* name;
    std::function<void(identity::v1::RegisterRequest&)> spoil;
    std::string field;
  };
  const Case cases[] = {
      {"display name with a C0 control", [](auto& r) { r.set_display_name("Ada\x01"); },
       "display_name"},
      {"display name with DEL", [](auto& r) { r.set_display_name("Ada\x7f"); }, "display_name"},
      {"display name with the C1 control U+0085",
       [](auto& r) { r.set_display_name("Ada\xc2\x85Lovelace"); }, "display_name"},
      {"display name with the C1 control U+009B",
       [](auto& r) { r.set_display_name("\xc2\x9b[2JAda"); }, "display_name"},
      {"display name that is not UTF-8", [](auto& r) { r.set_display_name("Ad\xe9"); },
       "display_name"},
      {"display name of 101 characters",
       [](auto& r) {
         std::string name;
         for (int i = 0; i < 101; ++i) name += "\xc3\xa9";
         r.set_display_name(name);
       },
       "display_name"},
      {"display name with a surrounding space", [](auto& r) { r.set_display_name("Ada "); },
       "display_name"},
      {"company name with the C1 control U+0080",
       [](auto& r) { r.set_company_name("Engines\xc2\x80"); }, "company_name"},
      {"email with the C1 control U+0085", [](auto& r) { r.set_email("ada\xc2\x85@example.com"); },
       "email"},
      {"country shaped right but not assigned", [](auto& r) { r.set_country("XX"); }, "country"},
      {"country in lower case", [](auto& r) { r.set_country("gb"); }, "country"},
      {"password of 9 characters", [](auto& r) { r.set_password("123456789"); }, "password"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto request = GoodRegistration();
      c.spoil(request);
      const auto account = ValidateRegistration(request);
      REQUIRE_FALSE(account.ok());
      CHECK(account.status().code() == StatusCode::kInvalidArgument);
      CHECK(account.status().message().starts_with(c.field + ":"));
    }
  }
}

TEST_CASE("names of non-ASCII letters count what a user sees", "[gateway]") {
  auto request = GoodRegistration();
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xc3\xa9";  // 100 characters, 200 bytes
  request.set_display_name(name);
  CHECK(ValidateRegistration(request).ok());
}

}  // namespace
}  // namespace market::gateway
