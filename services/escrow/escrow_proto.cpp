#include "escrow_proto.hpp"

#include "market/pg/time.hpp"
#include "utc_week.hpp"

namespace market::escrow {

market::common::v1::Money MoneyProto(const std::string& currency, std::int64_t minor_units) {
  market::common::v1::Money money;
  money.set_currency(currency);
  money.set_minor_units(minor_units);
  return money;
}

v1::MilestoneState MilestoneStateFromName(const std::string& state) {
  if (state == "pending") return v1::MILESTONE_STATE_PENDING;
  if (state == "funded") return v1::MILESTONE_STATE_FUNDED;
  if (state == "submitted") return v1::MILESTONE_STATE_SUBMITTED;
  if (state == "disputed") return v1::MILESTONE_STATE_DISPUTED;
  if (state == "released") return v1::MILESTONE_STATE_RELEASED;
  if (state == "cancelled") return v1::MILESTONE_STATE_CANCELLED;
  if (state == "resolved") return v1::MILESTONE_STATE_RESOLVED;
  return v1::MILESTONE_STATE_UNSPECIFIED;
}

v1::ContractState ContractStateFromName(const std::string& state) {
  if (state == "active") return v1::CONTRACT_STATE_ACTIVE;
  if (state == "completed") return v1::CONTRACT_STATE_COMPLETED;
  if (state == "paused") return v1::CONTRACT_STATE_PAUSED;
  if (state == "ended") return v1::CONTRACT_STATE_ENDED;
  return v1::CONTRACT_STATE_UNSPECIFIED;
}

v1::InvoiceState InvoiceStateFromName(const std::string& state) {
  if (state == "pending") return v1::INVOICE_STATE_PAYMENT_DUE;
  if (state == "submitted") return v1::INVOICE_STATE_IN_REVIEW;
  if (state == "disputed") return v1::INVOICE_STATE_DISPUTED;
  if (state == "released") return v1::INVOICE_STATE_RELEASED;
  if (state == "resolved") return v1::INVOICE_STATE_RESOLVED;
  return v1::INVOICE_STATE_UNSPECIFIED;
}

std::string InvoiceStateName(v1::InvoiceState state) {
  switch (state) {
    case v1::INVOICE_STATE_PAYMENT_DUE:
      return "pending";
    case v1::INVOICE_STATE_IN_REVIEW:
      return "submitted";
    case v1::INVOICE_STATE_DISPUTED:
      return "disputed";
    case v1::INVOICE_STATE_RELEASED:
      return "released";
    case v1::INVOICE_STATE_RESOLVED:
      return "resolved";
    default:
      return "";
  }
}

std::string SourceName(v1::ContractSource source) {
  switch (source) {
    case v1::CONTRACT_SOURCE_ACCEPTED_BID:
      return "accepted_bid";
    case v1::CONTRACT_SOURCE_BOUGHT_OFFER:
      return "bought_offer";
    default:
      return "";
  }
}

void ToProto(const MilestoneRecord& record, const std::string& currency, v1::Milestone& milestone) {
  milestone.set_id(record.id);
  milestone.set_position(record.position);
  milestone.set_title(record.title);
  *milestone.mutable_amount() = MoneyProto(currency, record.amount);
  milestone.set_state(MilestoneStateFromName(record.state));
  *milestone.mutable_held() = MoneyProto(currency, record.held);
  *milestone.mutable_released() = MoneyProto(currency, record.released);
  *milestone.mutable_refunded() = MoneyProto(currency, record.refunded);
  if (record.review_deadline_micros) {
    *milestone.mutable_review_deadline() =
        pg::TimestampFromUnixMicros(*record.review_deadline_micros);
  }
  milestone.set_cancel_requested_by(record.cancel_requested_by);
}

void ToProto(const FxRateRecord& record, v1::FxRate& rate) {
  rate.set_base_currency(record.base_currency);
  rate.set_quote_currency(record.quote_currency);
  rate.set_rate(record.rate);
  *rate.mutable_quoted_at() = pg::TimestampFromUnixMicros(record.quoted_at_micros);
}

void ToProto(const ContractRecord& record, v1::Contract& contract) {
  contract.set_id(record.id);
  contract.set_source(record.source == "accepted_bid" ? v1::CONTRACT_SOURCE_ACCEPTED_BID
                                                      : v1::CONTRACT_SOURCE_BOUGHT_OFFER);
  contract.set_source_id(record.source_id);
  contract.set_title(record.title);
  contract.set_client_id(record.client_id);
  contract.set_client_country(record.client_country);
  contract.set_freelancer_id(record.freelancer_id);
  contract.set_freelancer_country(record.freelancer_country);
  contract.set_currency(record.currency);
  contract.set_payout_currency(record.payout_currency);
  ToProto(FxRateRecord{record.currency, record.payout_currency, record.fx_rate,
                       record.fx_quoted_at_micros},
          *contract.mutable_locked_rate());
  v1::ContractPolicy& policy = *contract.mutable_policy();
  policy.set_review_window_seconds(record.review_window_seconds);
  policy.set_dispute_response_window_seconds(record.dispute_response_window_seconds);
  policy.mutable_freelancer_fee_basis_points()->set_value(record.freelancer_fee_bps);
  if (record.kind == "hourly") {
    policy.set_invoice_review_window_seconds(record.invoice_review_window_seconds);
  }
  contract.set_state(ContractStateFromName(record.state));
  contract.clear_milestones();
  for (const MilestoneRecord& milestone : record.milestones) {
    if (milestone.kind == "invoice") continue;  // ListInvoices and GetInvoice show those
    ToProto(milestone, record.currency, *contract.add_milestones());
  }
  *contract.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_micros);
  contract.clear_hourly();
  if (record.kind == "hourly") {
    v1::HourlyContractTerms& hourly = *contract.mutable_hourly();
    *hourly.mutable_hourly_rate() = MoneyProto(record.currency, record.hourly_rate);
    hourly.set_weekly_hour_limit(record.weekly_hour_limit);
    hourly.set_start_date(record.start_date);
  }
  contract.set_ended_by(record.ended_by);
  contract.clear_ended_at();
  if (record.ended_at_micros) {
    *contract.mutable_ended_at() = pg::TimestampFromUnixMicros(*record.ended_at_micros);
  }
}

void ToProto(const DisputeRecord& record, v1::Dispute& dispute) {
  dispute.set_id(record.id);
  dispute.set_contract_id(record.contract_id);
  dispute.set_milestone_id(record.milestone_id);
  dispute.set_opened_by(record.opened_by);
  dispute.set_state(record.state == "resolved" ? v1::DISPUTE_STATE_RESOLVED
                                               : v1::DISPUTE_STATE_OPEN);
  *dispute.mutable_held() = MoneyProto(record.currency, record.held);
  *dispute.mutable_opened_at() = pg::TimestampFromUnixMicros(record.opened_at_micros);
  *dispute.mutable_response_deadline() =
      pg::TimestampFromUnixMicros(record.response_deadline_micros);
  for (const DisputeStep& step : record.trail) {
    v1::DisputeEvent& event = *dispute.add_trail();
    event.set_kind(step.kind);
    event.set_actor_id(step.actor_id);
    event.set_text(step.text);
    *event.mutable_at() = pg::TimestampFromUnixMicros(step.at_micros);
  }
  if (record.to_freelancer) {
    *dispute.mutable_to_freelancer() = MoneyProto(record.currency, *record.to_freelancer);
  }
  if (record.to_client)
    *dispute.mutable_to_client() = MoneyProto(record.currency, *record.to_client);
}

void ToProto(const InvoiceRecord& record, v1::Invoice& invoice) {
  invoice.set_id(record.id);
  invoice.set_contract_id(record.contract_id);
  *invoice.mutable_week_start() = pg::TimestampFromUnixMicros(record.week_start_micros);
  *invoice.mutable_week_end() = pg::TimestampFromUnixMicros(record.week_start_micros + kWeekMicros);
  invoice.set_minutes(record.minutes);
  *invoice.mutable_hourly_rate() = MoneyProto(record.currency, record.hourly_rate);
  *invoice.mutable_amount() = MoneyProto(record.currency, record.amount);
  invoice.set_state(InvoiceStateFromName(record.state));
  *invoice.mutable_issued_at() = pg::TimestampFromUnixMicros(record.issued_at_micros);
  invoice.clear_review_deadline();
  if (record.review_deadline_micros) {
    *invoice.mutable_review_deadline() =
        pg::TimestampFromUnixMicros(*record.review_deadline_micros);
  }
  *invoice.mutable_held() = MoneyProto(record.currency, record.held);
  *invoice.mutable_released() = MoneyProto(record.currency, record.released);
  *invoice.mutable_refunded() = MoneyProto(record.currency, record.refunded);
}

void ToProto(const ReleasePlan& plan, const ContractRecord& contract, std::int64_t transfer_id,
             v1::Release& release) {
  *release.mutable_gross() = plan.gross.ToProto();
  *release.mutable_fee() = plan.fee.ToProto();
  *release.mutable_paid() = plan.paid.ToProto();
  ToProto(FxRateRecord{contract.currency, contract.payout_currency, contract.fx_rate,
                       contract.fx_quoted_at_micros},
          *release.mutable_rate());
  release.set_transfer_id(transfer_id);
  *release.mutable_withheld() = plan.withheld.ToProto();
  release.set_withholding_basis_points(plan.withholding_bps);
  *release.mutable_credited() = plan.credited.ToProto();
}

void ToProto(const PayoutRecord& record, v1::Payout& payout) {
  payout.set_id(record.id);
  payout.set_account_id(record.account_id);
  *payout.mutable_amount() = MoneyProto(record.currency, record.amount);
  payout.set_method(record.method);
  payout.set_state(record.state == "paid"     ? v1::PAYOUT_STATE_PAID
                   : record.state == "failed" ? v1::PAYOUT_STATE_FAILED
                                              : v1::PAYOUT_STATE_PENDING);
  payout.set_provider_reference(record.provider_reference);
  payout.set_failure_reason(record.failure_reason);
  *payout.mutable_requested_at() = pg::TimestampFromUnixMicros(record.requested_at_micros);
  if (record.settled_at_micros) {
    *payout.mutable_settled_at() = pg::TimestampFromUnixMicros(*record.settled_at_micros);
  }
  payout.set_transfer_id(record.transfer_id);
  payout.set_reversal_transfer_id(record.reversal_transfer_id.value_or(0));
}

}  // namespace market::escrow
