// Shared by the escrow integration tests: an escrow service on a fresh schema, typed calls to it
// as each kind of caller, and the set-up most tests start from (rates, a contract, a funded
// client).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "escrow_app.hpp"
#include "escrow_identity.hpp"
#include "escrow_migrations.hpp"
#include "market/auth/token.hpp"
#include "market/connect/client.hpp"
#include "market/escrow/v1/escrow.connect.h"
#include "market/http/client.hpp"
#include "market/pg/transaction.hpp"
#include "market/testing/service.hpp"
#include "market/testing/token_keys.hpp"

namespace market::escrow::itest {

using namespace std::chrono_literals;

inline std::string NewId() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[random() % 16];
  }
  return id;
}

inline std::string UserBearer(const std::string& subject, std::vector<auth::Role> roles,
                              const std::string& country = "DE") {
  return "Bearer " + testing::SharedTestTokenKeys().Signer("users")->Issue(
                         {.subject = subject,
                          .roles = std::move(roles),
                          .country = country,
                          .expires_at = std::chrono::system_clock::now() + 1h});
}

inline std::string ServiceBearer(const std::string& service = "bidding") {
  return "Bearer " + testing::SharedTestTokenKeys().Signer(service)->Issue(
                         {.subject = service,
                          .roles = {auth::Role::kService},
                          .country = "",
                          .expires_at = std::chrono::system_clock::now() + 1h});
}

inline market::common::v1::Money M(const std::string& currency, std::int64_t minor_units) {
  market::common::v1::Money money;
  money.set_currency(currency);
  money.set_minor_units(minor_units);
  return money;
}

// A user with a fixed id and the bearer for one role.
struct User {
  std::string id;
  std::string bearer;
};

inline User NewUser(auth::Role role, const std::string& country = "DE") {
  User user{NewId(), ""};
  user.bearer = UserBearer(user.id, {role}, country);
  return user;
}

class Escrow {
 public:
  explicit Escrow(const testing::EnvOverrides& env = {},
                  std::optional<testing::TestDatabase> database = std::nullopt)
      : Escrow(std::make_unique<EscrowApp>(), env, std::move(database)) {}

  v1::EscrowServiceClient Client() {
    return v1::EscrowServiceClient(connect::Client(http_, started_.endpoint()));
  }

  static connect::CallOptions As(const std::string& bearer) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 20s;
    options.authorization = bearer;
    return options;
  }

  const testing::TestDatabase& database() const { return started_.database(); }
  // The running service's sandbox providers: what reached the payment and payout providers.
  SandboxPaymentProvider& payment_provider() { return app_->sandbox_payments(); }
  SandboxPayoutProvider& payout_provider() { return app_->sandbox_payouts(); }
  testing::StartedService& started() { return started_; }

  // An operator's view of the ledger check.
  v1::CheckLedgerResponse CheckLedger() {
    auto response = Client().CheckLedger({}, As(operator_.bearer));
    REQUIRE(response.ok());
    for (const auto& problem : response->problems()) UNSCOPED_INFO(problem);
    return *response;
  }

  void LoadRate(const std::string& base, const std::string& quote, const std::string& rate) {
    v1::LoadFxRatesRequest request;
    v1::FxRate& fx = *request.add_rates();
    fx.set_base_currency(base);
    fx.set_quote_currency(quote);
    fx.set_rate(rate);
    fx.mutable_quoted_at()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count() -
                                        1);
    fx.mutable_quoted_at()->set_nanos(++rate_nanos_ * 1000);  // whole microseconds
    const auto loaded = Client().LoadFxRates(request, As(operator_.bearer));
    INFO(loaded.status().ToString());
    REQUIRE(loaded.ok());
  }

  // A contract between the two users with these milestone amounts.
  v1::Contract NewContract(const User& client, const User& freelancer, const std::string& currency,
                           std::vector<std::int64_t> amounts,
                           const std::string& payout_currency = "",
                           std::int64_t review_window_seconds = 0,
                           std::int64_t dispute_response_window_seconds = 0,
                           const std::string& freelancer_country = "AR") {
    v1::CreateContractRequest request;
    request.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
    request.set_source_id(NewId());
    request.set_title("Payments integration");
    request.set_client_id(client.id);
    request.set_client_country("DE");
    request.set_freelancer_id(freelancer.id);
    request.set_freelancer_country(freelancer_country);
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      v1::MilestoneTerms& milestone = *request.add_milestones();
      milestone.set_title("Milestone " + std::to_string(i + 1));
      *milestone.mutable_amount() = M(currency, amounts[i]);
    }
    request.set_payout_currency(payout_currency.empty() ? currency : payout_currency);
    request.mutable_policy()->set_review_window_seconds(review_window_seconds);
    request.mutable_policy()->set_dispute_response_window_seconds(dispute_response_window_seconds);
    const auto created = Client().CreateContract(request, As(ServiceBearer()));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    return created->contract();
  }

  // The request for an hourly contract between the two users: `rate` minor units of `currency`
  // per hour, up to `weekly_hour_limit` hours a week, starting on the creation day.
  static v1::CreateContractRequest HourlyRequest(const User& client, const User& freelancer,
                                                 const std::string& currency, std::int64_t rate,
                                                 int weekly_hour_limit) {
    v1::CreateContractRequest request;
    request.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
    request.set_source_id(NewId());
    request.set_title("Ongoing support");
    request.set_client_id(client.id);
    request.set_client_country("DE");
    request.set_freelancer_id(freelancer.id);
    request.set_freelancer_country("AR");
    request.set_payout_currency(currency);
    *request.mutable_hourly()->mutable_hourly_rate() = M(currency, rate);
    request.mutable_hourly()->set_weekly_hour_limit(weekly_hour_limit);
    return request;
  }

  v1::Contract NewHourlyContract(const User& client, const User& freelancer,
                                 const std::string& currency = "USD", std::int64_t rate = 5000,
                                 int weekly_hour_limit = 10) {
    const auto created = Client().CreateContract(
        HourlyRequest(client, freelancer, currency, rate, weekly_hour_limit), As(ServiceBearer()));
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    return created->contract();
  }

  StatusOr<v1::TopUpWalletResponse> TopUp(const User& client, const std::string& currency,
                                          std::int64_t amount, const std::string& key = NewId()) {
    v1::TopUpWalletRequest request;
    request.set_idempotency_key(key);
    *request.mutable_amount() = M(currency, amount);
    request.set_payment_token("sandbox-ok");
    return Client().TopUpWallet(request, As(client.bearer));
  }

  std::int64_t WalletBalance(const User& user, const std::string& currency) {
    const auto wallet = Client().GetWallet({}, As(user.bearer));
    REQUIRE(wallet.ok());
    for (const auto& balance : wallet->balances()) {
      if (balance.available().currency() == currency) return balance.available().minor_units();
    }
    return 0;
  }

  static v1::MilestoneRef Ref(const v1::Contract& contract, int index) {
    v1::MilestoneRef ref;
    ref.set_contract_id(contract.id());
    ref.set_milestone_id(contract.milestones(index).id());
    return ref;
  }

  StatusOr<v1::FundMilestoneResponse> Fund(const User& client, const v1::MilestoneRef& ref,
                                           const std::string& key = NewId()) {
    v1::FundMilestoneRequest request;
    request.set_idempotency_key(key);
    *request.mutable_milestone() = ref;
    return Client().FundMilestone(request, As(client.bearer));
  }

  StatusOr<v1::SubmitMilestoneResponse> Submit(const User& freelancer, const v1::MilestoneRef& ref,
                                               const std::string& key = NewId()) {
    v1::SubmitMilestoneRequest request;
    request.set_idempotency_key(key);
    *request.mutable_milestone() = ref;
    return Client().SubmitMilestone(request, As(freelancer.bearer));
  }

  StatusOr<v1::ApproveMilestoneResponse> Approve(const User& client, const v1::MilestoneRef& ref,
                                                 const std::string& key = NewId()) {
    v1::ApproveMilestoneRequest request;
    request.set_idempotency_key(key);
    *request.mutable_milestone() = ref;
    return Client().ApproveMilestone(request, As(client.bearer));
  }

  StatusOr<v1::CancelMilestoneResponse> Cancel(const User& party, const v1::MilestoneRef& ref,
                                               const std::string& key = NewId()) {
    v1::CancelMilestoneRequest request;
    request.set_idempotency_key(key);
    *request.mutable_milestone() = ref;
    return Client().CancelMilestone(request, As(party.bearer));
  }

  StatusOr<v1::OpenDisputeResponse> Dispute(const User& party, const v1::MilestoneRef& ref,
                                            const std::string& key = NewId()) {
    v1::OpenDisputeRequest request;
    request.set_idempotency_key(key);
    *request.mutable_milestone() = ref;
    request.set_reason("The delivery misses the agreed scope.");
    return Client().OpenDispute(request, As(party.bearer));
  }

  v1::Contract Get(const User& party, const std::string& contract_id) {
    v1::GetContractRequest request;
    request.set_contract_id(contract_id);
    const auto response = Client().GetContract(request, As(party.bearer));
    REQUIRE(response.ok());
    return response->contract();
  }

  const User& Operator() const { return operator_; }

  // How many events of each type the service wrote to its outbox, by type name without the
  // package ("MilestoneReleased").
  std::map<std::string, int> OutboxCounts() {
    pg::Pool pool({.dsn = database().dsn});
    std::map<std::string, int> counts;
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              counts.clear();
              for (const auto& row :
                   tx.exec("SELECT event_type, count(*) AS n FROM outbox GROUP BY event_type")) {
                const auto type = row["event_type"].as<std::string>();
                counts[type.substr(type.rfind('.') + 1)] = row["n"].as<int>();
              }
              return OkStatus();
            }).ok());
    return counts;
  }

 private:
  Escrow(std::unique_ptr<EscrowApp> app, const testing::EnvOverrides& env,
         std::optional<testing::TestDatabase> database)
      : app_(app.get()),
        started_(testing::StartService(kIdentity, migrations::escrow(), std::move(app), env,
                                       std::move(database))),
        http_(std::make_shared<http::Client>()) {}

  EscrowApp* app_;  // owned by started_, which runs it
  testing::StartedService started_;
  std::shared_ptr<http::Client> http_;
  User operator_ = NewUser(auth::Role::kOperator);
  int rate_nanos_ = 0;
};

// The freelancer asks for a payout of `amount` minor units of `currency` to `method` (the
// sandbox pays "sandbox-payout-ok" at once), once per `key`.
inline StatusOr<v1::RequestPayoutResponse> Payout(Escrow& escrow, const User& freelancer,
                                                  const std::string& currency, std::int64_t amount,
                                                  const std::string& method = "sandbox-payout-ok",
                                                  const std::string& key = NewId()) {
  v1::RequestPayoutRequest request;
  request.set_idempotency_key(key);
  *request.mutable_amount() = M(currency, amount);
  request.set_method(method);
  return escrow.Client().RequestPayout(request, Escrow::As(freelancer.bearer));
}

inline StatusCode CodeOf(const Status& status) { return status.code(); }
template <typename T>
StatusCode CodeOf(const StatusOr<T>& result) {
  return result.status().code();
}

}  // namespace market::escrow::itest
