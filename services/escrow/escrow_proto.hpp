// Records to their proto messages, and the enum names the database stores.
#pragma once

#include <string>

#include "contract_repository.hpp"
#include "dispute_repository.hpp"
#include "invoice_repository.hpp"
#include "market/common/v1/common.pb.h"
#include "market/escrow/v1/escrow.pb.h"
#include "market/escrow/v1/payouts.pb.h"
#include "payouts.hpp"
#include "release_plan.hpp"

namespace market::escrow {

market::common::v1::Money MoneyProto(const std::string& currency, std::int64_t minor_units);

void ToProto(const ContractRecord& record, v1::Contract& contract);
void ToProto(const MilestoneRecord& record, const std::string& currency, v1::Milestone& milestone);
void ToProto(const FxRateRecord& record, v1::FxRate& rate);
void ToProto(const DisputeRecord& record, v1::Dispute& dispute);
// Without the document (GetInvoice adds it).
void ToProto(const InvoiceRecord& record, v1::Invoice& invoice);
void ToProto(const PayoutRecord& record, v1::Payout& payout);
void ToProto(const ReleasePlan& plan, const ContractRecord& contract, std::int64_t transfer_id,
             v1::Release& release);

v1::MilestoneState MilestoneStateFromName(const std::string& state);
v1::ContractState ContractStateFromName(const std::string& state);
// An invoice's milestone state and its InvoiceState: pending is payment due, submitted in review.
v1::InvoiceState InvoiceStateFromName(const std::string& state);
std::string InvoiceStateName(v1::InvoiceState state);  // "" for unspecified
// "accepted_bid", "bought_offer"; "" for unspecified.
std::string SourceName(v1::ContractSource source);

}  // namespace market::escrow
