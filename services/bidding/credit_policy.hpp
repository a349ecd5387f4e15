// CreditPolicy: how many bid credits a freelancer gets each month and what a bid costs, from
// the environment (defaults in README.md), and the UTC calendar months the ledger counts in.
//
//   MARKET_ASSIGN_OR_RETURN(CreditPolicy policy, CreditPolicy::FromEnv(env));
//   const int cost = invited ? 0 : policy.BidCost(job.expected_duration);
//   const CreditPeriod period = CreditPeriodAt(now);   // 2026-12-01 .. 2027-01-01
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "market/common/config.hpp"

namespace market::bidding {

struct CreditPolicy {
  // MARKET_BIDDING_MONTHLY_CREDITS: granted at the first use in each UTC month.
  std::int64_t monthly_allowance = 60;
  // MARKET_BIDDING_CREDITS_SMALL_JOB: jobs expected to take up to four weeks.
  int small_job_cost = 2;
  // MARKET_BIDDING_CREDITS_MEDIUM_JOB: one to three months.
  int medium_job_cost = 4;
  // MARKET_BIDDING_CREDITS_LARGE_JOB: longer, or of unknown duration.
  int large_job_cost = 6;

  // Reads the four variables (each an integer, allowance 0 to 100000, costs 0 to 1000); a bad
  // value is recorded in `env` for its Check().
  static CreditPolicy FromEnv(config::Env& env);

  // The cost of a bid on a job of listings' JobDuration `expected_duration`.
  int BidCost(int expected_duration) const;
};

// A UTC calendar month: [start, next).
struct CreditPeriod {
  std::chrono::sys_days start;
  std::chrono::sys_days next;

  // "2026-12-01", the ledger's `period` column.
  std::string StartDate() const;
};

CreditPeriod CreditPeriodAt(std::chrono::system_clock::time_point at);

}  // namespace market::bidding
