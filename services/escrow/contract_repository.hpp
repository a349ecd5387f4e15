// ContractRepository: the SQL of contracts, milestones and FX rates, run inside the caller's
// transaction. Timestamps leave SQL as unix microseconds (market/pg/time.hpp); ids passed in are
// already known to be UUIDs.
//
//   auto contract = FindContract(tx, contract_id, Lock::kForUpdate);
//   MilestoneRecord& milestone = *FindMilestone(*contract, milestone_id);
//   milestone.state = "funded";
//   WriteMilestone(tx, milestone, contract->review_window_seconds);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "tax_profiles.hpp"

namespace market::escrow {

struct MilestoneRecord {
  std::string id;
  std::string contract_id;
  int position = 0;
  std::string title;
  std::int64_t amount = 0;
  // pending, funded, submitted, disputed, released, cancelled, resolved
  std::string state;
  std::int64_t held = 0;
  std::int64_t released = 0;
  std::int64_t refunded = 0;
  std::optional<std::int64_t> review_deadline_micros;
  std::string cancel_requested_by;  // "", "client" or "freelancer"
  // "milestone", or "invoice": a weekly invoice of an hourly contract (invoice_repository.hpp),
  // with its week (Monday 00:00 UTC) and minutes.
  std::string kind = "milestone";
  std::int64_t week_start_micros = 0;
  int minutes = 0;
};

struct ContractRecord {
  std::string id;
  std::string source;  // accepted_bid, bought_offer
  std::string source_id;
  std::string title;
  std::string client_id;
  std::string client_country;
  std::string freelancer_id;
  std::string freelancer_country;
  std::string currency;
  std::string payout_currency;
  std::string fx_rate;  // canonical decimal text
  std::int64_t fx_quoted_at_micros = 0;
  int freelancer_fee_bps = 0;
  std::int64_t review_window_seconds = 0;
  std::int64_t dispute_response_window_seconds = 0;
  std::int64_t invoice_review_window_seconds = 0;  // hourly contracts' weekly invoices
  // The sandbox test clock: how far the diary and week closing run ahead of database time.
  std::int64_t clock_offset_seconds = 0;
  std::string state;  // active, completed; hourly contracts: active, paused, ended
  std::int64_t created_at_micros = 0;
  std::string kind = "fixed_price";  // fixed_price, hourly
  // Hourly contracts only (zero and empty otherwise): minor units per hour, hours per UTC week,
  // and the first day, "YYYY-MM-DD". An empty start date in new terms means the creation day.
  std::int64_t hourly_rate = 0;
  int weekly_hour_limit = 0;
  std::string start_date;
  std::string ended_by;  // "", "client" or "freelancer"
  std::optional<std::int64_t> ended_at_micros;
  // By position: all of the contract's, except where a reader says it loaded fewer
  // (LockContracts with only_milestone_id).
  std::vector<MilestoneRecord> milestones;
  // The freelancer's tax standing, read with the contract by LockContracts (a batch's releases
  // need it, and one statement reads it for all of them); empty where a reader did not.
  std::optional<TaxStanding> freelancer_tax;
};

struct FxRateRecord {
  std::string base_currency;
  std::string quote_currency;
  std::string rate;  // canonical decimal text
  std::int64_t quoted_at_micros = 0;
};

// The contract's fields before it has an id; milestones carry title and amount.
struct NewContract {
  ContractRecord terms;
  std::vector<std::pair<std::string, std::int64_t>> milestones;
};

enum class Lock { kNone, kForUpdate };

// Inserts the contract with its milestones, or finds the one already made from the same
// source; `second` is true when this call created it.
std::pair<ContractRecord, bool> InsertContract(pqxx::work& tx, const NewContract& contract);

std::optional<ContractRecord> FindContract(pqxx::work& tx, const std::string& contract_id,
                                           Lock lock);

// The user's contracts as client or freelancer, newest first, after the (created_at, id)
// cursor when given.
std::vector<ContractRecord> ListContractsOf(
    pqxx::work& tx, const std::string& user_id,
    const std::optional<std::pair<std::int64_t, std::string>>& after, int limit);

MilestoneRecord* FindMilestone(ContractRecord& contract, const std::string& milestone_id);

// Writes the milestone's state and amounts. Entering "submitted" starts its review window of
// `review_window_seconds` on database time; leaving it clears the deadline. Returns the review
// deadline the row has now (unix microseconds), none outside "submitted".
std::optional<std::int64_t> WriteMilestone(pqxx::work& tx, const MilestoneRecord& milestone,
                                           std::int64_t review_window_seconds);

// The contracts of a batch of movements, locked for update in id order (none for an id that
// names no contract), with their milestones, in two statements; and the transaction's start on
// database time (PostgreSQL's now(), zero when no contract was found). A contract wanted with
// `only_milestone_id` carries that one milestone (none when it is not the contract's), not all:
// only for a caller that needs no other (completion and rolling look at them all).
struct ContractToLock {
  std::string id;  // a UUID in lower case, once in the list
  std::string only_milestone_id;
};
struct LockedContracts {
  std::int64_t now_micros = 0;
  std::vector<ContractRecord> contracts;
};
LockedContracts LockContracts(pqxx::work& tx, const std::vector<ContractToLock>& wanted);

// WriteMilestone for several milestones in one statement, each row as its record has it,
// the review deadline included (kept as stored when a "submitted" record has none).
void WriteMilestones(pqxx::work& tx, const std::vector<const MilestoneRecord*>& milestones);

// Marks the active fixed-price contracts among `contract_ids` completed. (An hourly contract's
// settled invoices never complete it: it runs until it is ended.)
void MarkContractsCompleted(pqxx::work& tx, const std::vector<std::string>& contract_ids);

// Whether every milestone of the contract but `milestone_id` is settled. Ask with the contract
// row locked: then nobody else settles or adds one meanwhile.
bool AllSettledBut(const ContractRecord& contract, const std::string& milestone_id);

bool IsSettled(const std::string& milestone_state);

// Moves an hourly contract to `state` ("active", "paused" or "ended"); ending records who ended
// it and when, on database time. Call with the contract row locked; returns the contract as
// stored afterwards.
ContractRecord WriteContractState(pqxx::work& tx, const std::string& contract_id,
                                  const std::string& state, const std::string& ended_by);

// FX rates: the current rate of a pair, all rates, and storing one when newer.
std::optional<FxRateRecord> FindFxRate(pqxx::work& tx, const std::string& base,
                                       const std::string& quote);
std::vector<FxRateRecord> ListFxRates(pqxx::work& tx, const std::string& base_filter);
// False (and nothing written) when the stored rate of the pair is as new or newer.
bool StoreFxRateIfNewer(pqxx::work& tx, const FxRateRecord& rate);

}  // namespace market::escrow
