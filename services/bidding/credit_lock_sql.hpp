// The SQL of the credit lock and the month grant (credit_ledger.hpp), for statements that take
// them together with other work: MARKET_CREDIT_LOCK_AND_GRANT("$1", "$2", "$3") is an INSERT
// taking the parameters freelancer ids (uuid[]), the month's first day (date) and the monthly
// allowance (bigint).
//
// The locks are transaction-level advisory locks in the two-key space (the outbox relay uses the
// one-key space), keyed by schema, freelancer and month; a hash collision only makes two
// freelancers wait for each other. Taken in key order, so that two transactions locking several
// freelancers cannot deadlock (the sort runs before the volatile lock calls of the subquery's
// select list), and in the FROM clause, so before the insert runs; the grant row's unique
// index settles concurrent first uses.
#pragma once

#define MARKET_CREDIT_LOCK_AND_GRANT(ids, period, allowance)                          \
  "INSERT INTO credit_entries (freelancer_id, period, kind, credits) "                \
  "SELECT locked.freelancer_id, " period "::date, 'monthly_grant', " allowance        \
  "::bigint "                                                                         \
  "FROM (SELECT f.freelancer_id, pg_advisory_xact_lock(1651074404, f.lock_key) "      \
  "      FROM (SELECT DISTINCT id AS freelancer_id, "                                 \
  "                   hashtext(current_schema() || '/' || id::text || '/' || " period \
  "::date::text) AS lock_key "                                                        \
  "            FROM unnest(" ids                                                      \
  "::uuid[]) AS id) AS f "                                                            \
  "      ORDER BY f.lock_key, f.freelancer_id) AS locked "                            \
  "ON CONFLICT (freelancer_id, period) WHERE kind = 'monthly_grant' DO NOTHING"
