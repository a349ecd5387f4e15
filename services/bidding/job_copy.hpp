// JobCopy: what bidding knows of a listings job, from listings' job events (job_events.hpp).
// Only the fields the bidding rules and the BidAccepted event need.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace market::bidding {

struct JobCopy {
  std::string id;
  std::string client_id;
  std::string client_country;
  std::string title;
  // "open", "closed", "filled" or "cancelled".
  std::string status;
  // "fixed" or "hourly".
  std::string budget_kind;
  std::string currency;
  // listings' JobDuration number, the job's size for bid costs.
  int expected_duration = 0;
  std::vector<std::string> allowed_countries;
  std::vector<std::string> allowed_languages;
  bool invite_only = false;
  std::vector<std::string> invited_freelancer_ids;
  std::int64_t bid_deadline_unix_micros = 0;
  std::int64_t version = 0;

  bool Invited(const std::string& freelancer_id) const;
};

}  // namespace market::bidding
