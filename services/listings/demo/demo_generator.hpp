// DemoGenerator: realistic listings data at a chosen scale, loaded with COPY (pqxx::stream_to)
// in batches of one transaction each, straight into listings' tables: freelancer profiles with
// reputation, jobs from clients in every demo country, offers, and a USD-based set of FX rates
// (listings' copy; in a full stack escrow's FxRatesUpdated events replace it).
//
//   DemoGenerator generator(pool, schema, {.jobs = 1'000'000, .seed = 7});
//   MARKET_RETURN_IF_ERROR(generator.Run());
//
// The same seed makes the same data. Rows are built in memory one batch at a time, so memory
// stays flat however many jobs are asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "market/common/status.hpp"
#include "market/pg/pool.hpp"

namespace market::listings::demo {

struct DemoSize {
  std::size_t jobs = 1000;
  // 0: one per ten jobs, at least 50.
  std::size_t freelancers = 0;
  // 0: one per five jobs.
  std::size_t offers = 0;
  std::uint64_t seed = 1;
  std::size_t batch = 50'000;
};

class DemoGenerator {
 public:
  DemoGenerator(pg::Pool& pool, std::string schema, DemoSize size);

  Status Run();

 private:
  Status LoadRates();
  Status LoadFreelancers(std::size_t count);
  Status LoadJobs(std::size_t count);
  Status LoadOffers(std::size_t count);

  std::string NewUuid();
  template <typename T>
  const T& Pick(const std::span<const T>& items);
  std::vector<std::string> PickSkills(std::size_t field, std::size_t min, std::size_t max);
  // `usd_major` whole dollars, in the country's currency's minor units.
  std::int64_t LocalMinorUnits(std::size_t country, std::int64_t usd_major);

  pg::Pool& pool_;
  const std::string schema_;
  const DemoSize size_;
  std::mt19937_64 random_;
  // The freelancers made so far, which offers are sold by.
  std::vector<std::pair<std::string, std::size_t>> freelancers_;  // id, country index
};

}  // namespace market::listings::demo
