// SQL on reputation's copy of escrow's contracts (migrations/001_reviews.sql): written only by
// the escrow events (contract_events.hpp), read by the review and score code.
#pragma once

#include <pqxx/transaction>

#include <cstdint>
#include <optional>
#include <string>

#include "market/common/status.hpp"
#include "market/common/v1/common.pb.h"

namespace market::reputation {

struct NewContract {
  std::string id;
  std::string client_id;
  std::string freelancer_id;
  std::string currency;
  std::int64_t value_minor = 0;
  std::int64_t review_window_seconds = 0;
};

// Inserts the contract unless it exists (a redelivered ContractCreated changes nothing).
void InsertContract(pqxx::work& tx, const NewContract& contract);

// Amounts added to a contract's running totals.
struct ContractChange {
  std::int64_t funded_minor = 0;
  std::int64_t released_minor = 0;
  std::int64_t refunded_minor = 0;
  int freelancer_disputes_lost = 0;
  int client_disputes_lost = 0;
};

struct ContractParties {
  std::string client_id;
  std::string freelancer_id;
};

// nullopt when the contract is unknown.
std::optional<ContractParties> ApplyContractChange(pqxx::work& tx, const std::string& contract_id,
                                                   const ContractChange& change);

// Ends the contract once: its final released and refunded totals, its end (`ended_at_micros`,
// or the database's now()), the close of its review window, and its frozen USD value and weight
// (README, "Weights"). A second ContractCompleted changes nothing. failed_precondition when the
// contract is unknown.
Status EndContract(pqxx::work& tx, const std::string& contract_id,
                   const market::common::v1::Money& released,
                   const market::common::v1::Money& refunded,
                   std::optional<std::int64_t> ended_at_micros);

// Keeps the newer of the stored and the given rate of `currency` into USD.
void UpsertUsdRate(pqxx::work& tx, const std::string& currency, const std::string& rate,
                   std::int64_t quoted_at_micros);

// A contract as a review sees it, with its state computed from the database clock.
struct ReviewableContract {
  std::string id;
  std::string client_id;
  std::string freelancer_id;
  bool money_moved = false;
  bool ended = false;
  bool window_open = false;
  std::int64_t review_closes_at_micros = 0;
};

// Locks the contract's row (so two reviews of one contract count each other), or nullopt.
std::optional<ReviewableContract> LockContractForReview(pqxx::work& tx,
                                                        const std::string& contract_id);

}  // namespace market::reputation
