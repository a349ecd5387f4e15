#include "bid_placer.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "bid_proto.hpp"
#include "bid_rules.hpp"
#include "bidding_identity.hpp"
#include "freelancer_languages.hpp"
#include "market/common/text.hpp"
#include "market/events/outbox.hpp"
#include "market/pg/transaction.hpp"

namespace market::bidding {
namespace {

// A bid of the batch that passed the rules and goes to InsertBids.
struct Admitted {
  std::size_t index = 0;  // in the batch
  int cost = 0;
};

Status InsufficientCredits(int cost, std::int64_t balance) {
  return RuleError(StatusCode::kFailedPrecondition, kInsufficientCredits,
                   "job_id: a bid on this job costs " + std::to_string(cost) +
                       " credits and you have " + std::to_string(balance) + " left this month");
}

Status ActiveBidExists() {
  return RuleError(StatusCode::kAlreadyExists, kActiveBidExists,
                   "job_id: you already have an active bid on this job; revise it");
}

}  // namespace

metrics::Gauge& PlacementsInFlight() {
  static metrics::Gauge& gauge = metrics::DefaultRegistry().GetGauge(
      "market_bidding_place_in_flight", "PlaceBid calls queued or in a running batch.");
  return gauge;
}

metrics::Histogram& PlacementBatchSizes() {
  static metrics::Histogram& histogram = metrics::DefaultRegistry().GetHistogram(
      "market_bidding_place_batch_size", "Bids per PlaceBid batch.", {},
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
}

BidPlacer::BidPlacer(const pg::PoolOptions& database, CreditPolicy policy, Clock clock,
                     BatchCombinerOptions options)
    : pool_(pg::BatchWriterPoolOptions(database, options.max_writers)),
      policy_(policy),
      clock_(std::move(clock)),
      combiner_(
          options, [](const BidToPlace& bid) { return bid.caller.subject; },
          [this](const Batch& bids) {
            return TogetherOrAlone<BidToPlace, StatusOr<PlacedBidAnswer>>(
                bids, [this](const Batch& some) { return PlaceInOneTransaction(some); });
          },
          {.in_flight = &PlacementsInFlight(), .batch_sizes = &PlacementBatchSizes()}) {}

StatusOr<PlacedBidAnswer> BidPlacer::Place(BidToPlace bid) {
  // PostgreSQL writes UUIDs in lower case, and the batch looks its rows up by those ids.
  bid.job_id = text::ToLowerAscii(bid.job_id);
  bid.caller.subject = text::ToLowerAscii(bid.caller.subject);
  return combiner_.Submit(std::move(bid));
}

StatusOr<BidPlacer::Answers> BidPlacer::PlaceInOneTransaction(const Batch& bids) {
  auto deadline = std::chrono::steady_clock::time_point::max();
  for (const BidToPlace* bid : bids) deadline = std::min(deadline, bid->deadline);
  const auto now = clock_();
  const CreditPeriod period = CreditPeriodAt(now);
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = deadline}, [&](pqxx::work& tx) -> StatusOr<Answers> {
        Answers answers(bids.size(), StatusOr<PlacedBidAnswer>(InternalError("bid not placed")));
        std::vector<std::string> job_ids;
        std::vector<std::string> freelancer_ids;
        for (const BidToPlace* bid : bids) {
          job_ids.push_back(bid->job_id);
          freelancer_ids.push_back(bid->caller.subject);
        }
        // FOR SHARE: a job event (closed, cancelled, filled) waits for these bids to commit and
        // then sees them, so no bid lands on a job that stopped taking bids. The credit locks
        // come in the same round trip, for every caller of the batch: a caller whose bid a rule
        // then refuses gets no more than its month's grant, as reading its balance would give.
        const std::unordered_map<std::string, JobCopy> jobs =
            LockJobsAndCredits(tx, job_ids, freelancer_ids, period, policy_.monthly_allowance);

        std::vector<std::string> speakers_asked;
        for (const BidToPlace* bid : bids) {
          const auto job = jobs.find(bid->job_id);
          if (job != jobs.end() && !job->second.allowed_languages.empty()) {
            speakers_asked.push_back(bid->caller.subject);
          }
        }
        const auto languages = speakers_asked.empty()
                                   ? std::unordered_map<std::string, std::vector<std::string>>{}
                                   : FindFreelancersLanguages(tx, speakers_asked);

        std::vector<Admitted> admitted;
        std::vector<NewBid> new_bids;
        for (std::size_t i = 0; i < bids.size(); ++i) {
          const BidToPlace& bid = *bids[i];
          const auto found = jobs.find(bid.job_id);
          if (found == jobs.end()) {
            answers[i] = JobNotFound();
            continue;
          }
          const JobCopy& job = found->second;
          Status allowed = CheckCanBid(job, bid.caller, now);
          if (allowed.ok() && !job.allowed_languages.empty()) {
            const auto spoken = languages.find(bid.caller.subject);
            allowed = CheckLanguages(
                job, spoken == languages.end() ? std::nullopt : std::optional(spoken->second));
          }
          if (allowed.ok()) allowed = CheckTermsFitJob(bid.terms, job);
          if (!allowed.ok()) {
            answers[i] = std::move(allowed);
            continue;
          }
          const bool invited = job.Invited(bid.caller.subject);
          const int cost = invited ? 0 : policy_.BidCost(job.expected_duration);
          admitted.push_back({.index = i, .cost = cost});
          new_bids.push_back({.job_id = job.id,
                              .freelancer_id = bid.caller.subject,
                              .freelancer_country = bid.caller.country,
                              .terms = bid.terms,
                              .invited = invited,
                              .credits_spent = cost,
                              .payout_currency = bid.payout_currency.empty()
                                                     ? job.currency
                                                     : bid.payout_currency});
        }
        if (admitted.empty()) return answers;

        std::vector<PlacedBid> placed = InsertBids(tx, new_bids, period.StartDate());

        std::vector<v1::BidPlaced> events;
        events.reserve(placed.size());
        std::vector<events::PendingEvent> pending;
        for (std::size_t k = 0; k < placed.size(); ++k) {
          const Admitted& bid = admitted[k];
          if (!placed[k].bid) {
            answers[bid.index] = placed[k].balance_before < bid.cost
                                     ? InsufficientCredits(bid.cost, placed[k].balance_before)
                                     : ActiveBidExists();
            continue;
          }
          ToProto(*placed[k].bid, *events.emplace_back().mutable_bid());
          pending.push_back({.aggregate_id = placed[k].bid->job_id, .payload = &events.back()});
          answers[bid.index] =
              PlacedBidAnswer{.bid = std::move(*placed[k].bid),
                              .credit_balance = placed[k].balance_before - bid.cost};
        }
        MARKET_RETURN_IF_ERROR(events::EnqueueAll(tx, kIdentity.name, pending));
        return answers;
      });
}

}  // namespace market::bidding
