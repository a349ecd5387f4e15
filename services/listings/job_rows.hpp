// How a job row reads: the columns every statement that returns jobs selects (from a relation
// aliased j), and the record they make. Shared by job_repository.cpp and job_search.cpp, so
// that a list, a search and a single read return exactly the same job.
#pragma once

#include <pqxx/result>

#include "job_repository.hpp"

// A macro rather than a constant so that it joins the other string literals of a statement at
// compile time. Invitations come in the same statement.
#define MARKET_JOB_COLUMNS                                                                        \
  "j.id::text AS id, j.seq, j.client_id::text AS client_id, j.client_country, j.title, "          \
  "j.description, j.skills, j.budget_kind, j.currency, j.budget_min_minor_units, "                \
  "j.budget_max_minor_units, j.expected_duration, j.allowed_countries, j.allowed_languages, "     \
  "j.visibility, (extract(epoch FROM j.bid_deadline) * 1000000)::bigint AS bid_deadline_micros, " \
  "j.status, j.version, (extract(epoch FROM j.created_at) * 1000000)::bigint AS "                 \
  "created_at_micros, "                                                                           \
  "(extract(epoch FROM j.updated_at) * 1000000)::bigint AS updated_at_micros, "                   \
  "ARRAY(SELECT i.freelancer_id::text FROM job_invitations i WHERE i.job_id = j.id "              \
  "ORDER BY i.seq) AS invited "

namespace market::listings {

JobRecord ReadJob(const pqxx::row& row);

}  // namespace market::listings
