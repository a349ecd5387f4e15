// Jobs between their stored form (JobRecord) and the wire (v1::Job), and who may see one.
#pragma once

#include "job_repository.hpp"
#include "market/auth/principal.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

// Who looks at a job decides what it shows: its invitations are the owner's business (and
// operators' and services'), not the other invitees'.
enum class JobAudience { kOwnerOrStaff, kOther };

void ToProto(const JobRecord& record, JobAudience audience, v1::Job& job);

// A public job is visible to every caller; an invite-only one to its owner, the freelancers it
// invited, operators and services. Everyone else is told it does not exist.
bool CanSeeJob(const JobRecord& job, const auth::Principal& caller);

JobAudience AudienceOf(const JobRecord& job, const auth::Principal& caller);

// The same rules on a job as the owner sees it (a cached copy).
bool CanSeeJob(const v1::Job& job, const auth::Principal& caller);
JobAudience AudienceOf(const v1::Job& job, const auth::Principal& caller);

}  // namespace market::listings
