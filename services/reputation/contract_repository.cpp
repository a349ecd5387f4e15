#include "contract_repository.hpp"

#include <pqxx/result>

#include <string_view>

#include "market/money/exact_rate.hpp"
#include "score_formula.hpp"

namespace market::reputation {
namespace {

inline constexpr std::string_view kInsertContract = R"(
  INSERT INTO contracts (id, client_id, freelancer_id, currency, value_minor,
                         review_window_seconds)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (id) DO NOTHING
)";

inline constexpr std::string_view kApplyChange = R"(
  UPDATE contracts
  SET funded_minor = funded_minor + $2, released_minor = released_minor + $3,
      refunded_minor = refunded_minor + $4,
      freelancer_disputes_lost = freelancer_disputes_lost + $5,
      client_disputes_lost = client_disputes_lost + $6
  WHERE id = $1
  RETURNING client_id::text AS client_id, freelancer_id::text AS freelancer_id
)";

inline constexpr std::string_view kSelectForEnd = R"(
  SELECT c.currency, c.value_minor, c.ended_at IS NOT NULL AS ended, r.rate AS usd_rate
  FROM contracts c LEFT JOIN usd_rates r ON r.currency = c.currency
  WHERE c.id = $1
  FOR UPDATE OF c
)";

// The window runs from the end for review_window_seconds; both computed by the database.
inline constexpr std::string_view kEndContract = R"(
  UPDATE contracts
  SET released_minor = GREATEST(released_minor, $2), refunded_minor = GREATEST(refunded_minor, $3),
      ended_at = e.at,
      review_closes_at = e.at + review_window_seconds * interval '1 second',
      value_usd_cents = $5, weight = $6
  FROM (SELECT COALESCE(timestamptz 'epoch' + $4::bigint * interval '1 microsecond', now()) AS at) e
  WHERE id = $1
)";

inline constexpr std::string_view kUpsertUsdRate = R"(
  INSERT INTO usd_rates (currency, rate, quoted_at)
  VALUES ($1, $2, timestamptz 'epoch' + $3::bigint * interval '1 microsecond')
  ON CONFLICT (currency) DO UPDATE SET rate = EXCLUDED.rate, quoted_at = EXCLUDED.quoted_at
  WHERE usd_rates.quoted_at < EXCLUDED.quoted_at
)";

inline constexpr std::string_view kLockForReview = R"(
  SELECT id::text AS id, client_id::text AS client_id, freelancer_id::text AS freelancer_id,
         (funded_minor > 0 OR released_minor > 0) AS money_moved,
         ended_at IS NOT NULL AS ended,
         COALESCE(now() < review_closes_at, false) AS window_open,
         COALESCE((extract(epoch FROM review_closes_at) * 1000000)::bigint, 0)
           AS review_closes_at_micros
  FROM contracts WHERE id = $1
  FOR UPDATE
)";

// The contract's value in US cents: exact, half-even (money::Convert); nullopt without a rate.
std::optional<std::int64_t> UsdCents(const std::string& currency, std::int64_t value_minor,
                                     const pqxx::field& usd_rate) {
  if (currency == "USD") return value_minor;
  if (usd_rate.is_null()) return std::nullopt;
  const auto rate = money::ExactRate::Parse(usd_rate.as<std::string>(), "rate");
  if (!rate.ok()) return std::nullopt;
  const auto value = money::Money::Of(currency, value_minor);
  if (!value.ok()) return std::nullopt;
  const auto usd = money::Convert(*value, *rate, "USD");
  if (!usd.ok()) return std::nullopt;
  return usd->minor_units();
}

}  // namespace

void InsertContract(pqxx::work& tx, const NewContract& contract) {
  tx.exec_params(std::string(kInsertContract), contract.id, contract.client_id,
                 contract.freelancer_id, contract.currency, contract.value_minor,
                 contract.review_window_seconds);
}

std::optional<ContractParties> ApplyContractChange(pqxx::work& tx, const std::string& contract_id,
                                                   const ContractChange& change) {
  const pqxx::result rows = tx.exec_params(
      std::string(kApplyChange), contract_id, change.funded_minor, change.released_minor,
      change.refunded_minor, change.freelancer_disputes_lost, change.client_disputes_lost);
  if (rows.empty()) return std::nullopt;
  return ContractParties{rows[0]["client_id"].as<std::string>(),
                         rows[0]["freelancer_id"].as<std::string>()};
}

Status EndContract(pqxx::work& tx, const std::string& contract_id,
                   const market::common::v1::Money& released,
                   const market::common::v1::Money& refunded,
                   std::optional<std::int64_t> ended_at_micros) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectForEnd), contract_id);
  if (rows.empty()) {
    return FailedPreconditionError("contract_id: contract " + contract_id +
                                   " is not known yet (ContractCreated not applied)");
  }
  const pqxx::row row = rows[0];
  if (row["ended"].as<bool>()) return OkStatus();
  const auto currency = row["currency"].as<std::string>();
  const auto usd_cents = UsdCents(currency, row["value_minor"].as<std::int64_t>(), row["usd_rate"]);
  tx.exec_params(std::string(kEndContract), contract_id, released.minor_units(),
                 refunded.minor_units(), ended_at_micros, usd_cents, ContractWeight(usd_cents));
  return OkStatus();
}

void UpsertUsdRate(pqxx::work& tx, const std::string& currency, const std::string& rate,
                   std::int64_t quoted_at_micros) {
  tx.exec_params(std::string(kUpsertUsdRate), currency, rate, quoted_at_micros);
}

std::optional<ReviewableContract> LockContractForReview(pqxx::work& tx,
                                                        const std::string& contract_id) {
  const pqxx::result rows = tx.exec_params(std::string(kLockForReview), contract_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  return ReviewableContract{
      .id = row["id"].as<std::string>(),
      .client_id = row["client_id"].as<std::string>(),
      .freelancer_id = row["freelancer_id"].as<std::string>(),
      .money_moved = row["money_moved"].as<bool>(),
      .ended = row["ended"].as<bool>(),
      .window_open = row["window_open"].as<bool>(),
      .review_closes_at_micros = row["review_closes_at_micros"].as<std::int64_t>(),
  };
}

}  // namespace market::reputation
