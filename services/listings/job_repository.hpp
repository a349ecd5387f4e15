// JobRepository: the SQL of jobs and their invitations, run inside the caller's transaction so
// that a change and the event describing it (events::Enqueue) commit together.
//
//   pg::InTransaction(pool, {}, [&](pqxx::work& tx) -> StatusOr<JobRecord> {
//     JobRecord job = InsertJob(tx, caller.subject, caller.country, fields);
//     ...
//   });
//
// Ids passed in are already known to be UUIDs. Every read of a job is one statement that also
// brings its invitations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction>

#include "job_validation.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

struct JobRecord {
  std::string id;
  std::int64_t seq = 0;
  std::string client_id;
  std::string client_country;
  JobFields fields;
  v1::JobStatus status = v1::JOB_STATUS_OPEN;
  std::int64_t version = 0;
  std::int64_t created_at_unix_micros = 0;
  std::int64_t updated_at_unix_micros = 0;
  std::vector<std::string> invited_freelancer_ids;  // oldest first
};

JobRecord InsertJob(pqxx::work& tx, const std::string& client_id, const std::string& client_country,
                    const JobFields& fields);

// The job, or nullopt. `for_update` locks its row until the transaction ends, so that changes
// of one job take turns and its events leave in the order of the changes.
std::optional<JobRecord> FindJob(pqxx::work& tx, const std::string& job_id,
                                 bool for_update = false);

// Replaces the job's fields and raises its version; the row must be locked.
JobRecord UpdateJobFields(pqxx::work& tx, const std::string& job_id, const JobFields& fields);

// Sets the status (and, for filled, the accepted bid) and raises the version; the row must be
// locked and the transition allowed (JobTransitionAllowed).
JobRecord SetJobStatus(pqxx::work& tx, const std::string& job_id, v1::JobStatus status,
                       const std::string& filled_by_bid_id = {});

// Raises the version after a change the job's row does not hold (its invitations), so that
// every change of what GetJob returns has a new version; the row must be locked.
JobRecord TouchJob(pqxx::work& tx, const std::string& job_id);

// open -> closed | filled | cancelled; closed -> filled | cancelled. Nothing else.
bool JobTransitionAllowed(v1::JobStatus from, v1::JobStatus to);

// The client's jobs with seq below `before_seq` (0: from the newest), newest first, at most
// `limit`, only in `statuses` when it is not empty.
std::vector<JobRecord> ListClientJobs(pqxx::work& tx, const std::string& client_id,
                                      const std::vector<v1::JobStatus>& statuses,
                                      std::int64_t before_seq, int limit);

// Of `freelancer_ids`, those that have no profile, in the order given.
std::vector<std::string> WithoutProfile(pqxx::work& tx,
                                        const std::vector<std::string>& freelancer_ids);

// Invites those of `freelancer_ids` not yet invited and returns them, in the order given.
std::vector<std::string> AddInvitations(pqxx::work& tx, const std::string& job_id,
                                        const std::vector<std::string>& freelancer_ids);

}  // namespace market::listings
