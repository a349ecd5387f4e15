#include "escrow_app.hpp"

#include <chrono>

#include "contract_events.hpp"
#include "market/events/outbox.hpp"

namespace market::escrow {

Status EscrowApp::Configure(config::Env& env) {
  defaults_ = PolicyDefaults::FromEnv(env);
  movement_batches_.max_writers =
      static_cast<std::size_t>(env.Int("MARKET_ESCROW_MOVE_WRITERS", 2, 1, 64));
  movement_batches_.max_batch =
      static_cast<std::size_t>(env.Int("MARKET_ESCROW_MOVE_BATCH", 32, 1, 256));
  return OkStatus();
}

Status EscrowApp::Start(runtime::ServiceParts& parts, connect::Router& router) {
  payouts_ = std::make_unique<PayoutSender>(parts.pg, payout_provider_);
  service_ =
      std::make_unique<EscrowService>(parts.pg, payments_, *payouts_, defaults_, movement_batches_);
  v1::Register(router, *service_);
  approver_ = std::make_unique<AutoApprover>(parts.pg);
  parts.background.Add({.name = "escrow-auto-approve", .interval = std::chrono::seconds(1)},
                       [approver = approver_.get()] { return approver->Step(); });
  invoices_ = std::make_unique<InvoiceWorker>(parts.pg);
  parts.background.Add({.name = "escrow-invoices", .interval = std::chrono::seconds(1)},
                       [invoices = invoices_.get()] { return invoices->Step(); });
  // The recovery path of payouts left pending by a crash or an unavailable provider.
  parts.background.Add({.name = "escrow-payout-retry", .interval = std::chrono::seconds(1)},
                       [payouts = payouts_.get()] { return payouts->Step(); });
  for (const char* source : {"bidding", "listings"}) {
    events::ConsumerOptions options;
    options.stream = events::StreamName(source);
    options.group = std::string(kConsumerGroup);  // the host fills in the consumer name
    parts.background.AddConsumer(
        std::move(options),
        [defaults = defaults_](pqxx::work& tx, const events::v1::EventEnvelope& event) {
          return ApplyContractEvent(tx, event, defaults);
        });
  }
  return OkStatus();
}

}  // namespace market::escrow
