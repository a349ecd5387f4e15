// The SQL of SearchJobs: full-text match and rank, filters, the budget filter converted at the
// current rates, visibility of invite-only jobs, and keyset pagination, in one statement.
//
//   std::vector<JobHit> hits = SearchJobRows(tx, search, page_size + 1);
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction>

#include "job_repository.hpp"
#include "search_filters.hpp"

namespace market::listings {

struct JobSearch {
  SearchBasics basics;
  // Empty: open only.
  std::vector<v1::JobStatus> statuses;
  // Who searches: invite-only jobs show to their owner and invitees only, all to staff.
  std::string caller_id;
  bool staff = false;
};

struct JobHit {
  JobRecord job;
  // The order's key for this job, for the next page's cursor.
  std::string sort_key;
};

// At most `limit` jobs in the search's order, after its cursor when it has one.
std::vector<JobHit> SearchJobRows(pqxx::work& tx, const JobSearch& search, int limit);

}  // namespace market::listings
