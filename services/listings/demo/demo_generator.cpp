#include "demo_generator.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <span>
#include <tuple>
#include <utility>

#include <pqxx/stream_to>
#include <pqxx/transaction>

#include "demo_vocabulary.hpp"
#include "field_rules.hpp"
#include "market/common/log.hpp"
#include "market/common/text.hpp"
#include "market/money/currency.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/transaction.hpp"
#include "profile_validation.hpp"

namespace market::listings::demo {
namespace {

constexpr std::string_view kDurations[] = {
    "JOB_DURATION_LESS_THAN_ONE_WEEK", "JOB_DURATION_ONE_TO_FOUR_WEEKS",
    "JOB_DURATION_ONE_TO_THREE_MONTHS", "JOB_DURATION_THREE_TO_SIX_MONTHS",
    "JOB_DURATION_MORE_THAN_SIX_MONTHS"};

constexpr std::string_view kTeams[] = {"product", "engineering", "marketing",       "operations",
                                       "finance", "design",      "customer support"};

constexpr std::string_view kBadges[] = {"top_rated", "rising_talent", "fast_delivery",
                                        "repeat_hires", "expert_vetted"};

// "0.92" * 10^exponent * usd, exactly, with integers only: the decimal's digits are an
// integer numerator over 10^fraction_digits.
std::int64_t ScaleDecimal(std::string_view decimal, int exponent, std::int64_t usd_major) {
  const auto point = decimal.find('.');
  std::string digits(decimal.substr(0, point));
  int fraction = 0;
  if (point != std::string_view::npos) {
    digits += decimal.substr(point + 1);
    fraction = static_cast<int>(decimal.size() - point - 1);
  }
  __int128 value = static_cast<__int128>(std::stoll(digits)) * usd_major;
  for (int i = 0; i < exponent; ++i) value *= 10;
  for (int i = 0; i < fraction; ++i) value /= 10;
  return std::max<std::int64_t>(static_cast<std::int64_t>(value), 1);
}

// "2026-12-02 14:39:00+00": timestamptz input that no session setting can misread.
std::string Timestamp(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S+00", &utc);
  return text;
}

std::string Capitalised(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

// A row as the tuple pqxx::stream_to takes: N text fields.
template <std::size_t N>
auto AsTuple(const std::vector<std::string>& row) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return std::make_tuple(row.at(I)...); }
  (std::make_index_sequence<N>{});
}

// Row by row into a COPY stream of N columns.
template <std::size_t N>
class RowStream {
 public:
  explicit RowStream(pqxx::stream_to& stream) : stream_(stream) {}
  RowStream& operator<<(const std::vector<std::string>& row) {
    stream_ << AsTuple<N>(row);
    return *this;
  }

 private:
  pqxx::stream_to& stream_;
};

// Runs `fill` on a COPY stream into `table` inside one transaction on the demo's schema.
template <std::size_t N, typename Fill>
Status Copy(pg::Pool& pool, const std::string& schema, const std::string& table,
            const std::array<std::string, N>& columns, Fill&& fill) {
  return pg::InTransaction(pool, pg::TxOptions{.max_attempts = 1}, [&](pqxx::work& tx) {
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    // A batch of 50,000 rows with their triggers and indexes takes seconds, not the pool's
    // default statement timeout.
    tx.exec("SET LOCAL statement_timeout = 0");
    pqxx::stream_to stream(tx, table, columns);
    RowStream<N> rows(stream);
    fill(rows);
    stream.complete();
    return OkStatus();
  });
}

}  // namespace

DemoGenerator::DemoGenerator(pg::Pool& pool, std::string schema, DemoSize size)
    : pool_(pool), schema_(std::move(schema)), size_(size), random_(size.seed) {}

std::string DemoGenerator::NewUuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  const std::uint64_t high = random_();
  const std::uint64_t low = random_();
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    const std::uint64_t word = i < 16 ? high : low;
    int nibble = static_cast<int>((word >> ((i % 16) * 4)) & 0xF);
    if (i == 12) nibble = 4;                 // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    id += kHex[nibble];
  }
  return id;
}

template <typename T>
const T& DemoGenerator::Pick(const std::span<const T>& items) {
  return items[random_() % items.size()];
}

std::vector<std::string> DemoGenerator::PickSkills(std::size_t field, std::size_t min,
                                                   std::size_t max) {
  const auto skills = Fields()[field].skills;
  const std::size_t count = min + random_() % (max - min + 1);
  std::vector<std::string> picked;
  while (picked.size() < count) {
    std::string skill(Pick(skills));
    if (std::find(picked.begin(), picked.end(), skill) == picked.end()) {
      picked.push_back(std::move(skill));
    }
  }
  return picked;
}

std::int64_t DemoGenerator::LocalMinorUnits(std::size_t country, std::int64_t usd_major) {
  const DemoCountry& c = Countries()[country];
  return ScaleDecimal(c.units_per_usd, money::FindCurrency(c.currency)->exponent, usd_major);
}

Status DemoGenerator::Run() {
  const std::size_t freelancers =
      size_.freelancers != 0 ? size_.freelancers : std::max<std::size_t>(50, size_.jobs / 10);
  const std::size_t offers = size_.offers != 0 ? size_.offers : size_.jobs / 5;
  const auto started = std::chrono::steady_clock::now();
  MARKET_RETURN_IF_ERROR(LoadRates());
  MARKET_RETURN_IF_ERROR(LoadFreelancers(freelancers));
  MARKET_RETURN_IF_ERROR(LoadJobs(size_.jobs));
  MARKET_RETURN_IF_ERROR(LoadOffers(offers));
  const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count() /
                       1000.0;
  log::Info("demo data loaded", {{"jobs", static_cast<std::int64_t>(size_.jobs)},
                                 {"freelancers", static_cast<std::int64_t>(freelancers)},
                                 {"offers", static_cast<std::int64_t>(offers)},
                                 {"seconds", seconds}});
  return OkStatus();
}

Status DemoGenerator::LoadRates() {
  return pg::InTransaction(pool_, {}, [&](pqxx::work& tx) {
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema_));
    for (const DemoCountry& country : Countries()) {
      if (country.currency == "USD") continue;
      tx.exec_params(
          "INSERT INTO fx_rates (base_currency, quote_currency, rate, base_exponent, "
          "quote_exponent, quoted_at) VALUES ('USD', $1, $2::numeric, 2, $3, now()) "
          "ON CONFLICT (base_currency, quote_currency) DO UPDATE SET rate = EXCLUDED.rate, "
          "quoted_at = EXCLUDED.quoted_at",
          std::string(country.currency), std::string(country.units_per_usd),
          money::FindCurrency(country.currency)->exponent);
    }
    return OkStatus();
  });
}

Status DemoGenerator::LoadFreelancers(std::size_t count) {
  const auto countries = Countries();
  for (std::size_t done = 0; done < count;) {
    const std::size_t batch = std::min(size_.batch, count - done);
    std::vector<std::vector<std::string>> reputation;
    MARKET_RETURN_IF_ERROR(Copy<10>(
        pool_, schema_, "profiles",
        {"freelancer_id", "headline", "overview", "skills", "languages", "country", "timezone",
         "hourly_rate_minor_units", "hourly_rate_currency", "weekly_availability_hours"},
        [&](RowStream<10>& stream) {
          for (std::size_t i = 0; i < batch; ++i) {
            const std::size_t country = random_() % countries.size();
            const DemoCountry& c = countries[country];
            const std::size_t field = random_() % Fields().size();
            const Field& f = Fields()[field];
            const auto skills = PickSkills(field, 3, 8);
            const std::string id = NewUuid();
            const int years = 2 + static_cast<int>(random_() % 18);
            const std::string headline = Capitalised(skills[0]) + " and " + skills[1] +
                                         " specialist, " + std::to_string(years) + " years in " +
                                         std::string(f.name);
            const std::string overview =
                "Based in " + std::string(c.city) + ". I help " + std::string(Pick(Industries())) +
                " and " + std::string(Pick(Industries())) + " teams with " + std::string(f.name) +
                ": recently " + std::string(Pick(f.tasks)) + " and " + std::string(Pick(f.tasks)) +
                " for " + std::string(Pick(f.artifacts)) + ". Tools I use every day: " + skills[0] +
                ", " + skills[1] + " and " + skills[2] + ".";
            std::vector<std::string> languages{std::string(c.language)};
            if (c.language != "en") languages.emplace_back("en");
            const std::int64_t usd_rate = 15 + static_cast<std::int64_t>(random_() % 140);
            stream << std::vector<std::string>{
                id,
                headline,
                overview,
                pg::ToArrayLiteral(skills),
                pg::ToArrayLiteral(languages),
                std::string(c.code),
                std::string(c.timezone),
                std::to_string(std::min(LocalMinorUnits(country, usd_rate),
                                        kMaxHourlyRateMajorUnits *
                                            PowerOfTen(money::FindCurrency(c.currency)->exponent))),
                std::string(c.currency),
                std::to_string(10 + random_() % 31)};
            freelancers_.emplace_back(id, country);
            // Two in five have a reputation; the others show the documented default.
            if (random_() % 5 < 2) {
              const int score = 300 + static_cast<int>(random_() % 201);  // 3.00 to 5.00
              std::vector<std::string> badges;
              if (score > 480) badges.emplace_back(kBadges[0]);
              if (random_() % 4 == 0) badges.emplace_back(kBadges[1 + random_() % 4]);
              reputation.push_back({id,
                                    std::to_string(score / 100) + "." +
                                        (score % 100 < 10 ? "0" : "") + std::to_string(score % 100),
                                    std::to_string(60 + random_() % 41),
                                    pg::ToArrayLiteral(badges)});
            }
          }
        }));
    MARKET_RETURN_IF_ERROR(Copy<4>(pool_, schema_, "freelancer_reputation",
                                   {"freelancer_id", "score", "job_success_percent", "badges"},
                                   [&](RowStream<4>& stream) {
                                     for (const auto& row : reputation) stream << row;
                                   }));
    done += batch;
    log::Info("demo freelancers", {{"loaded", static_cast<std::int64_t>(done)}});
  }
  return OkStatus();
}

Status DemoGenerator::LoadJobs(std::size_t count) {
  const auto countries = Countries();
  const auto now = std::chrono::system_clock::now();
  for (std::size_t done = 0; done < count;) {
    const std::size_t batch = std::min(size_.batch, count - done);
    MARKET_RETURN_IF_ERROR(Copy<16>(
        pool_, schema_, "jobs",
        {"client_id", "client_country", "title", "description", "skills", "budget_kind", "currency",
         "budget_min_minor_units", "budget_max_minor_units", "expected_duration",
         "allowed_countries", "allowed_languages", "visibility", "bid_deadline", "status",
         "created_at"},
        [&](RowStream<16>& stream) {
          for (std::size_t i = 0; i < batch; ++i) {
            const std::size_t country = random_() % countries.size();
            const DemoCountry& c = countries[country];
            const std::size_t field = random_() % Fields().size();
            const Field& f = Fields()[field];
            const auto skills = PickSkills(field, 2, 6);
            const std::string artifact(Pick(f.artifacts));
            const std::string industry(Pick(Industries()));
            const std::string organisation(Pick(Organisations()));
            const std::string title = std::string(Pick(Actions())) + " " + artifact + " for a " +
                                      industry + " " + organisation;
            const std::string description =
                "We are a " + std::to_string(3 + random_() % 200) + "-person " + industry + " " +
                organisation + " in " + std::string(c.city) + ". We need help to " +
                std::string(Pick(f.tasks)) + " and " + std::string(Pick(f.tasks)) + " for " +
                artifact + ", using " + skills[0] + " and " + skills[1] + ".\n" +
                "You will work with our " +
                std::string(Pick(std::span<const std::string_view>(kTeams))) +
                " team; experience with " + skills.back() + " is a plus. " +
                "Please describe a similar " + std::string(f.name) + " project in your proposal.";
            const bool hourly = random_() % 3 == 0;
            std::int64_t min = 0;
            std::int64_t max = 0;
            if (hourly) {
              const std::int64_t low = 15 + static_cast<std::int64_t>(random_() % 80);
              min = LocalMinorUnits(country, low);
              max = LocalMinorUnits(country, low + 5 + static_cast<std::int64_t>(random_() % 60));
            } else {
              min = max =
                  LocalMinorUnits(country, 100 + static_cast<std::int64_t>(random_() % 20000));
            }
            // Most jobs are open to anyone; some ask for a region or a language.
            std::vector<std::string> allowed_countries;
            std::vector<std::string> allowed_languages;
            if (random_() % 5 == 0) {
              for (int k = 0; k < 3; ++k) {
                std::string code(countries[random_() % countries.size()].code);
                if (std::find(allowed_countries.begin(), allowed_countries.end(), code) ==
                    allowed_countries.end()) {
                  allowed_countries.push_back(std::move(code));
                }
              }
            }
            if (random_() % 4 == 0) allowed_languages.emplace_back(c.language);
            const std::uint64_t state = random_() % 20;
            const std::string status = state < 15   ? "open"
                                       : state < 17 ? "closed"
                                       : state < 19 ? "filled"
                                                    : "cancelled";
            // Spread over the last year, with deadlines a few weeks after posting.
            const auto created = now - std::chrono::hours(random_() % (24 * 365));
            const auto deadline = created + std::chrono::hours(24 * (7 + random_() % 60));
            stream << std::vector<std::string>{NewUuid(),
                                               std::string(c.code),
                                               title,
                                               description,
                                               pg::ToArrayLiteral(skills),
                                               hourly ? "hourly" : "fixed",
                                               std::string(c.currency),
                                               std::to_string(min),
                                               std::to_string(max),
                                               std::string(kDurations[random_() % 5]),
                                               pg::ToArrayLiteral(allowed_countries),
                                               pg::ToArrayLiteral(allowed_languages),
                                               random_() % 20 == 0 ? "invite_only" : "public",
                                               Timestamp(deadline),
                                               status,
                                               Timestamp(created)};
          }
        }));
    done += batch;
    log::Info("demo jobs", {{"loaded", static_cast<std::int64_t>(done)}});
  }
  return OkStatus();
}

Status DemoGenerator::LoadOffers(std::size_t count) {
  if (freelancers_.empty()) return OkStatus();
  for (std::size_t done = 0; done < count;) {
    const std::size_t batch = std::min(size_.batch, count - done);
    MARKET_RETURN_IF_ERROR(Copy<10>(
        pool_, schema_, "offers",
        {"freelancer_id", "freelancer_country", "title", "description", "price_minor_units",
         "price_currency", "delivery_days", "revisions_included", "skills", "status"},
        [&](RowStream<10>& stream) {
          for (std::size_t i = 0; i < batch; ++i) {
            const auto& [freelancer_id, country] = freelancers_[random_() % freelancers_.size()];
            const DemoCountry& c = Countries()[country];
            const std::size_t field = random_() % Fields().size();
            const Field& f = Fields()[field];
            const auto skills = PickSkills(field, 1, 4);
            const std::string artifact(Pick(f.artifacts));
            const std::string title =
                "I will " + text::ToLowerAscii(Pick(Actions())) + " " + artifact;
            const std::string description =
                "A fixed-price package: I " + std::string(Pick(f.tasks)) + " and " +
                std::string(Pick(f.tasks)) + ". You get " + artifact + " ready to use, with " +
                skills[0] + " done properly. Tell me about your " +
                std::string(Pick(Industries())) + " business when you order.";
            stream << std::vector<std::string>{
                freelancer_id,
                std::string(c.code),
                title,
                description,
                std::to_string(
                    LocalMinorUnits(country, 50 + static_cast<std::int64_t>(random_() % 5000))),
                std::string(c.currency),
                std::to_string(1 + random_() % 30),
                std::to_string(random_() % 4),
                pg::ToArrayLiteral(skills),
                random_() % 10 == 0 ? "paused" : "active"};
          }
        }));
    done += batch;
    log::Info("demo offers", {{"loaded", static_cast<std::int64_t>(done)}});
  }
  return OkStatus();
}

}  // namespace market::listings::demo
