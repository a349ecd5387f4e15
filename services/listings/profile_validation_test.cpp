#include "profile_validation.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "market/connect/error_details.hpp"

namespace market::listings {
namespace {

v1::UpsertMyProfileRequest GoodProfile() {
  v1::UpsertMyProfileRequest request;
  request.set_headline("Backend engineer for payment systems");
  request.set_overview("Ten years of C++ and Go.\nI build ledgers.");
  request.add_skills("C++");
  request.add_skills("PostgreSQL");
  request.add_languages("en");
  request.add_languages("de");
  request.set_timezone("Europe/Berlin");
  request.mutable_hourly_rate()->set_currency("EUR");
  request.mutable_hourly_rate()->set_minor_units(9500);
  request.set_weekly_availability_hours(30);
  return request;
}

v1::AddPortfolioItemRequest GoodItem() {
  v1::AddPortfolioItemRequest request;
  request.set_title("Ledger for a payments startup");
  request.set_description("Double-entry ledger, 2k transfers per second.");
  request.set_url("https://example.com/work/ledger");
  return request;
}

// A string of `count` copies of `unit` (one code point each).
std::string Repeat(std::string_view unit, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += unit;
  return text;
}

std::string StartOf(const std::string& message, std::size_t length) {
  return message.substr(0, length);
}

// One bad field is one violation, and the message is exactly that violation.
void CheckOnlyViolation(const Status& status, const std::string& field) {
  const auto violations = connect::FieldViolationsOf(status);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == field);
  CHECK(status.message() == field + ": " + violations[0].description);
}

// The message a list of violations reads as.
std::string Joined(const std::vector<connect::FieldViolation>& violations) {
  std::string message;
  for (const auto& violation : violations) {
    if (!message.empty()) message += "; ";
    message += violation.field + ": " + violation.description;
  }
  return message;
}

TEST_CASE("a complete profile is accepted and normalised", "[listings][validation]") {
  auto request = GoodProfile();
  request.set_headline("  Backend engineer  ");
  request.clear_skills();
  request.add_skills("  Machine \t Learning ");
  request.add_skills("C++");
  request.clear_languages();
  request.add_languages(" EN ");
  const auto fields = ValidateProfile(request);
  REQUIRE(fields.ok());
  CHECK(fields->headline == "Backend engineer");
  CHECK(fields->skills == std::vector<std::string>{"machine learning", "c++"});
  CHECK(fields->languages == std::vector<std::string>{"en"});
  CHECK(fields->timezone == "Europe/Berlin");
  CHECK(fields->hourly_rate_currency == "EUR");
  CHECK(fields->hourly_rate_minor_units == 9500);
  CHECK(fields->weekly_availability_hours == 30);
}

TEST_CASE("each bad profile field is invalid_argument naming that field",
          "[listings][validation]") {
  struct Case {
    const char* name;
    std::function<void(v1::UpsertMyProfileRequest&)> spoil;
    std::string field;
  };
  const Case cases[] = {
      {"empty headline", [](auto& r) { r.set_headline("   "); }, "headline"},
      {"headline of 121 characters", [](auto& r) { r.set_headline(Repeat("é", 121)); }, "headline"},
      {"headline with a line break", [](auto& r) { r.set_headline("two\nlines"); }, "headline"},
      {"overview of 5001 characters", [](auto& r) { r.set_overview(Repeat("a", 5001)); },
       "overview"},
      {"overview with a bell character", [](auto& r) { r.set_overview("ring\a"); }, "overview"},
      {"headline with the C1 control U+0085", [](auto& r) { r.set_headline("next\xc2\x85line"); },
       "headline"},
      {"overview with the C1 control U+009B", [](auto& r) { r.set_overview("\xc2\x9b[31mred"); },
       "overview"},
      {"headline that is not UTF-8", [](auto& r) { r.set_headline("caf\xe9"); }, "headline"},
      {"no skills", [](auto& r) { r.clear_skills(); }, "skills"},
      {"31 skills",
       [](auto& r) {
         r.clear_skills();
         for (int i = 0; i < 31; ++i) r.add_skills("skill " + std::to_string(i));
       },
       "skills"},
      {"blank skill", [](auto& r) { r.add_skills(" \t "); }, "skills[2]"},
      {"skill of 41 characters", [](auto& r) { r.add_skills(Repeat("x", 41)); }, "skills[2]"},
      {"skill repeated in another case", [](auto& r) { r.add_skills("postgresql"); }, "skills[2]"},
      {"skill with a control character", [](auto& r) { r.add_skills("go\x01"); }, "skills[2]"},
      {"skill with the C1 control U+0080", [](auto& r) { r.add_skills("go\xc2\x80"); },
       "skills[2]"},
      {"unknown language", [](auto& r) { r.add_languages("xx"); }, "languages[2]"},
      {"three-letter language", [](auto& r) { r.add_languages("eng"); }, "languages[2]"},
      {"repeated language", [](auto& r) { r.add_languages("EN"); }, "languages[2]"},
      {"11 languages",
       [](auto& r) {
         r.clear_languages();
         for (const char* code :
              {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "fi"}) {
           r.add_languages(code);
         }
       },
       "languages"},
      {"empty timezone", [](auto& r) { r.set_timezone(""); }, "timezone"},
      {"timezone with a space", [](auto& r) { r.set_timezone("Europe/New York"); }, "timezone"},
      {"timezone as an offset", [](auto& r) { r.set_timezone("+02:00"); }, "timezone"},
      {"timezone over 64 characters", [](auto& r) { r.set_timezone("America/" + Repeat("A", 57)); },
       "timezone"},
      {"missing hourly rate", [](auto& r) { r.clear_hourly_rate(); }, "hourly_rate"},
      {"unknown currency", [](auto& r) { r.mutable_hourly_rate()->set_currency("XYZ"); },
       "hourly_rate.currency"},
      {"lower-case currency", [](auto& r) { r.mutable_hourly_rate()->set_currency("eur"); },
       "hourly_rate.currency"},
      {"rate below one major unit", [](auto& r) { r.mutable_hourly_rate()->set_minor_units(99); },
       "hourly_rate.minor_units"},
      {"negative rate", [](auto& r) { r.mutable_hourly_rate()->set_minor_units(-100); },
       "hourly_rate.minor_units"},
      {"rate above a million",
       [](auto& r) { r.mutable_hourly_rate()->set_minor_units(100'000'001); },
       "hourly_rate.minor_units"},
      {"zero weekly hours", [](auto& r) { r.set_weekly_availability_hours(0); },
       "weekly_availability_hours"},
      {"81 weekly hours", [](auto& r) { r.set_weekly_availability_hours(81); },
       "weekly_availability_hours"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto request = GoodProfile();
      c.spoil(request);
      const auto fields = ValidateProfile(request);
      REQUIRE_FALSE(fields.ok());
      CHECK(fields.status().code() == StatusCode::kInvalidArgument);
      CHECK(StartOf(fields.status().message(), c.field.size() + 1) == c.field + ":");
      CheckOnlyViolation(fields.status(), c.field);
    }
  }
}

TEST_CASE("a profile with several bad fields names every one of them, in field order",
          "[listings][validation]") {
  auto request = GoodProfile();
  request.set_headline("");
  request.add_skills(" \t ");
  request.add_skills("postgresql");
  request.add_languages("xx");
  request.set_timezone("+02:00");
  request.mutable_hourly_rate()->set_currency("XYZ");
  request.set_weekly_availability_hours(0);
  request.set_expected_version(-1);
  const auto fields = ValidateProfile(request);
  REQUIRE_FALSE(fields.ok());
  CHECK(fields.status().code() == StatusCode::kInvalidArgument);
  const auto violations = connect::FieldViolationsOf(fields.status());
  std::vector<std::string> named;
  for (const auto& violation : violations) named.push_back(violation.field);
  CHECK(named == std::vector<std::string>{"headline", "skills[2]", "skills[3]", "languages[2]",
                                          "timezone", "hourly_rate.currency",
                                          "weekly_availability_hours", "expected_version"});
  CHECK(violations[2].description == "\"postgresql\" is listed more than once");
  CHECK(fields.status().message() == Joined(violations));
  CHECK(fields.status().message().starts_with(
      "headline: must not be empty; skills[2]: must not be empty; skills[3]: "));
}

TEST_CASE("hourly rate bounds are whole major units of the rate's currency",
          "[listings][validation]") {
  struct Case {
    const char* currency;
    std::int64_t minor_units;
    bool ok;
  };
  const Case cases[] = {
      {"USD", 100, true},
      {"USD", 99, false},
      {"USD", 100'000'000, true},
      {"USD", 100'000'001, false},
      {"JPY", 1, true},
      {"JPY", 1'000'000, true},
      {"JPY", 1'000'001, false},
      {"KWD", 999, false},
      {"KWD", 1000, true},
      {"KWD", 1'000'000'000, true},
      {"KWD", 1'000'000'001, false},
  };
  for (const auto& c : cases) {
    auto request = GoodProfile();
    request.mutable_hourly_rate()->set_currency(c.currency);
    request.mutable_hourly_rate()->set_minor_units(c.minor_units);
    INFO(c.currency << " " << c.minor_units);
    CHECK(ValidateProfile(request).ok() == c.ok);
  }
}

TEST_CASE("a profile may list 30 skills, 10 languages and 80 weekly hours",
          "[listings][validation]") {
  auto request = GoodProfile();
  request.clear_skills();
  for (int i = 0; i < 30; ++i) request.add_skills(Repeat("s", 38) + std::to_string(i + 10));
  request.clear_languages();
  for (const char* code : {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da"}) {
    request.add_languages(code);
  }
  request.set_headline(Repeat("é", 120));
  request.set_overview(Repeat("a", 5000));
  request.set_weekly_availability_hours(80);
  const auto fields = ValidateProfile(request);
  REQUIRE(fields.ok());
  CHECK(fields->skills.size() == 30);
  CHECK(fields->languages.size() == 10);
}

TEST_CASE("a profile without languages or overview is accepted", "[listings][validation]") {
  auto request = GoodProfile();
  request.clear_languages();
  request.clear_overview();
  const auto fields = ValidateProfile(request);
  REQUIRE(fields.ok());
  CHECK(fields->languages.empty());
  CHECK(fields->overview.empty());
}

TEST_CASE("expected_version may be zero or positive, never negative", "[listings][validation]") {
  CHECK(ValidateExpectedVersion(0).ok());
  CHECK(ValidateExpectedVersion(7).ok());
  const Status negative = ValidateExpectedVersion(-1);
  CHECK(negative.code() == StatusCode::kInvalidArgument);
  CHECK(StartOf(negative.message(), 17) == "expected_version:");
}

TEST_CASE("skills are trimmed, collapsed and lower-cased", "[listings][validation]") {
  CHECK(NormaliseSkill("Go") == "go");
  CHECK(NormaliseSkill("  Machine \t\n Learning  ") == "machine learning");
  CHECK(NormaliseSkill("C#") == "c#");
  CHECK(NormaliseSkill("Ünïcode Stays") == "Ünïcode stays");
  CHECK(NormaliseSkill("   ").empty());
}

TEST_CASE("time zone names follow the IANA format", "[listings][validation]") {
  for (const char* good : {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                           "Etc/GMT-14", "America/Port-au-Prince", "Asia/Ho_Chi_Minh"}) {
    INFO(good);
    CHECK(IsTimezoneName(good));
  }
  for (const char* bad :
       {"", "/Europe", "Europe/", "Europe//Berlin", "Europe/Berlin ", "../etc/passwd",
        "Europe/Ber.lin", "5Europe/Berlin", "GMT+5", "Europe\\Berlin", "Europe/Zürich"}) {
    INFO(bad);
    CHECK_FALSE(IsTimezoneName(bad));
  }
  CHECK(IsTimezoneName("A/" + std::string(62, 'b')));
  CHECK_FALSE(IsTimezoneName("A/" + std::string(63, 'b')));
}

TEST_CASE("portfolio urls are absolute http or https urls", "[listings][validation]") {
  for (const char* good :
       {"https://example.com", "http://example.com/", "HTTPS://Example.com/a/b?c=d#e",
        "https://sub.example.co.uk:8443/work", "http://192.0.2.10/portfolio",
        "https://example.com/path%20with%20spaces"}) {
    INFO(good);
    CHECK(IsHttpUrl(good));
  }
  for (const char* bad :
       {"example.com", "ftp://example.com", "javascript:alert(1)", "https://", "https:///path",
        "https://localhost/", "https://user:pass@example.com/", "https://example.com@evil.test/",
        "https://exa mple.com/", "https://example.com/a b", "https://example.com:0/",
        "https://example.com:99999/", "https://example.com:/", "https://-bad-.com/",
        "https://example..com/", "https://example.com/\x7f", "https://bücher.example/"}) {
    INFO(bad);
    CHECK_FALSE(IsHttpUrl(bad));
  }
}

TEST_CASE("each bad portfolio item field is invalid_argument naming that field",
          "[listings][validation]") {
  struct Case {
    const char* name;
    std::function<void(v1::AddPortfolioItemRequest&)> spoil;
    std::string field;
  };
  const Case cases[] = {
      {"empty title", [](auto& r) { r.set_title(""); }, "title"},
      {"title of 121 characters", [](auto& r) { r.set_title(Repeat("t", 121)); }, "title"},
      {"description of 2001 characters", [](auto& r) { r.set_description(Repeat("d", 2001)); },
       "description"},
      {"empty url", [](auto& r) { r.set_url(""); }, "url"},
      {"url without scheme", [](auto& r) { r.set_url("example.com/work"); }, "url"},
      {"url over 500 characters",
       [](auto& r) { r.set_url("https://example.com/" + Repeat("p", 481)); }, "url"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto request = GoodItem();
      c.spoil(request);
      const auto fields = ValidatePortfolioItem(request);
      REQUIRE_FALSE(fields.ok());
      CHECK(fields.status().code() == StatusCode::kInvalidArgument);
      CHECK(StartOf(fields.status().message(), c.field.size() + 1) == c.field + ":");
      CheckOnlyViolation(fields.status(), c.field);
    }
  }
}

TEST_CASE("a portfolio item with three bad fields names all three", "[listings][validation]") {
  v1::AddPortfolioItemRequest request;
  request.set_title("");
  request.set_description("ring\a");
  request.set_url("ftp://example.com");
  const auto fields = ValidatePortfolioItem(request);
  REQUIRE_FALSE(fields.ok());
  const auto violations = connect::FieldViolationsOf(fields.status());
  REQUIRE(violations.size() == 3);
  CHECK(violations[0] == connect::FieldViolation{"title", "must not be empty"});
  CHECK(violations[1].field == "description");
  CHECK(violations[2].field == "url");
  CHECK(fields.status().message() == Joined(violations));
}

TEST_CASE("a portfolio item at its limits is accepted and trimmed", "[listings][validation]") {
  auto request = GoodItem();
  request.set_title("  " + Repeat("t", 120) + " ");
  request.set_description(Repeat("d", 2000));
  request.set_url(" https://example.com/" + Repeat("p", 480));
  const auto fields = ValidatePortfolioItem(request);
  REQUIRE(fields.ok());
  CHECK(fields->title == Repeat("t", 120));
  CHECK(fields->url.size() == 500);
  CHECK(fields->url.front() == 'h');
}

}  // namespace
}  // namespace market::listings
