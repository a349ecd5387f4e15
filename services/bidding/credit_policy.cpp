#include "credit_policy.hpp"

#include <cstdio>

namespace market::bidding {
namespace {

// listings.v1.JobDuration values.
constexpr int kOneToFourWeeks = 2;
constexpr int kOneToThreeMonths = 3;

}  // namespace

CreditPolicy CreditPolicy::FromEnv(config::Env& env) {
  CreditPolicy defaults;
  CreditPolicy policy;
  policy.monthly_allowance =
      env.Int("MARKET_BIDDING_MONTHLY_CREDITS", defaults.monthly_allowance, 0, 100000);
  policy.small_job_cost = static_cast<int>(
      env.Int("MARKET_BIDDING_CREDITS_SMALL_JOB", defaults.small_job_cost, 0, 1000));
  policy.medium_job_cost = static_cast<int>(
      env.Int("MARKET_BIDDING_CREDITS_MEDIUM_JOB", defaults.medium_job_cost, 0, 1000));
  policy.large_job_cost = static_cast<int>(
      env.Int("MARKET_BIDDING_CREDITS_LARGE_JOB", defaults.large_job_cost, 0, 1000));
  return policy;
}

int CreditPolicy::BidCost(int expected_duration) const {
  // Unspecified (0) never comes from listings, which requires a duration; it costs the most.
  if (expected_duration >= 1 && expected_duration <= kOneToFourWeeks) return small_job_cost;
  if (expected_duration == kOneToThreeMonths) return medium_job_cost;
  return large_job_cost;
}

std::string CreditPeriod::StartDate() const {
  const std::chrono::year_month_day day{start};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

CreditPeriod CreditPeriodAt(std::chrono::system_clock::time_point at) {
  // system_clock counts UTC (without leap seconds), so its days are UTC days.
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(at)};
  const std::chrono::year_month first = day.year() / day.month();
  const std::chrono::year_month next = first + std::chrono::months{1};
  return CreditPeriod{.start = std::chrono::sys_days{first / 1},
                      .next = std::chrono::sys_days{next / 1}};
}

}  // namespace market::bidding
