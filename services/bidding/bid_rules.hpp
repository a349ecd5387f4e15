// The business rules of bidding (DESIGN.md, "Bidding"; issue "Bidding", item 2), as pure
// functions of bidding's copy of the job, the caller and the clock, so that each is unit-tested
// without a database. Each broken rule is a Status with the Connect code a caller can act on
// and a google.rpc.ErrorInfo whose reason (domain "bidding.market") names the rule:
//
//   MARKET_RETURN_IF_ERROR(CheckCanBid(job, caller, now));     // in the transaction that
//   MARKET_RETURN_IF_ERROR(CheckTermsFitJob(terms, job));      // holds the job's row lock
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bid_terms.hpp"
#include "job_copy.hpp"
#include "market/auth/principal.hpp"
#include "market/common/status.hpp"

namespace market::bidding {

inline constexpr std::string_view kReasonDomain = "bidding.market";

// The reasons, as the proto names them.
inline constexpr std::string_view kJobNotFound = "JOB_NOT_FOUND";
inline constexpr std::string_view kOwnJob = "OWN_JOB";
inline constexpr std::string_view kJobNotOpen = "JOB_NOT_OPEN";
inline constexpr std::string_view kBidDeadlinePassed = "BID_DEADLINE_PASSED";
inline constexpr std::string_view kCountryNotAllowed = "COUNTRY_NOT_ALLOWED";
inline constexpr std::string_view kLanguageNotAllowed = "LANGUAGE_NOT_ALLOWED";
inline constexpr std::string_view kCurrencyMismatch = "CURRENCY_MISMATCH";
inline constexpr std::string_view kBidKindMismatch = "BID_KIND_MISMATCH";
inline constexpr std::string_view kActiveBidExists = "ACTIVE_BID_EXISTS";
inline constexpr std::string_view kInsufficientCredits = "INSUFFICIENT_CREDITS";
inline constexpr std::string_view kBidNotFound = "BID_NOT_FOUND";
inline constexpr std::string_view kBidNotActive = "BID_NOT_ACTIVE";
inline constexpr std::string_view kJobAlreadyFilled = "JOB_ALREADY_FILLED";
inline constexpr std::string_view kRevisionMismatch = "REVISION_MISMATCH";

// `code` with `message` and an ErrorInfo carrying `reason`.
Status RuleError(StatusCode code, std::string_view reason, std::string message);

// not_found JOB_NOT_FOUND: what a freelancer hears about a job it may not see.
Status JobNotFound();

// Whether `freelancer` may place a bid on `job` at `now`: the job is visible to it (invite-only
// jobs: invited freelancers only, otherwise not_found), not its own (OWN_JOB), open (JOB_NOT_OPEN)
// and before its deadline (BID_DEADLINE_PASSED), and allows its country (COUNTRY_NOT_ALLOWED).
Status CheckCanBid(const JobCopy& job, const auth::Principal& freelancer,
                   std::chrono::system_clock::time_point now);

// Whether a freelancer whose profile lists `languages` (none: bidding has seen no profile) speaks
// one of the job's allowed languages; a job allowing none takes anyone (LANGUAGE_NOT_ALLOWED,
// permission_denied like the countries).
Status CheckLanguages(const JobCopy& job, const std::optional<std::vector<std::string>>& languages);

// Whether the job still takes changes to bids at `now`: open and before its deadline.
Status CheckOpenForBids(const JobCopy& job, std::chrono::system_clock::time_point now);

// Whether `terms` fit `job`: fixed price for a fixed-price job, hourly rate for an hourly one
// (BID_KIND_MISMATCH), in the job's currency (CURRENCY_MISMATCH); both failed_precondition,
// since the same terms would fit another job.
Status CheckTermsFitJob(const Terms& terms, const JobCopy& job);

}  // namespace market::bidding
