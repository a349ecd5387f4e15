// Database errors as Status values, mapped once for the whole project.
//
// libpqxx reports failures as exceptions; repositories and InTransaction turn them into the
// Connect code a caller can act on. The message is a few plain words and never carries SQL or
// server text (which may quote user data):
//
//   try {
//     work.exec_params(kInsertBid, job_id, freelancer_id);
//   } catch (const std::exception& error) {
//     return market::pg::StatusFromException(error);  // unique_violation -> already_exists
//   }
//
//   unique violation                              -> already_exists
//   foreign key, check, not null, restrict, ...   -> failed_precondition
//   serialization failure, deadlock               -> aborted ("conflicting write; retry")
//   broken connection, commit outcome unknown     -> unavailable
//   statement timeout / cancel (57014)            -> deadline_exceeded
//   insufficient privilege                        -> permission_denied
//   anything else                                 -> internal
#pragma once

#include <exception>
#include <string>

#include "market/common/status.hpp"

namespace market::pg {

Status StatusFromException(const std::exception& error);

// A conflict with a concurrent transaction (serialization failure, deadlock): re-running the
// whole transaction may succeed.
bool IsRetryable(const std::exception& error);

// The session is gone before COMMIT was sent: the transaction did not commit and the connection
// must be discarded. Re-running on a fresh connection may succeed.
bool IsConnectionLost(const std::exception& error);

// The connection can no longer be trusted (lost, or lost during COMMIT): discard it.
bool ShouldDiscardConnection(const std::exception& error);

// The five-character SQLSTATE of a server error ("23505"), or empty. Safe to log: it carries no
// data, unlike the server's message.
std::string SqlState(const std::exception& error);

}  // namespace market::pg
