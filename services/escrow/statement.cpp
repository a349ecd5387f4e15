#include "statement.hpp"

#include <map>

#include "escrow_proto.hpp"
#include "market/money/money.hpp"

namespace market::escrow {
namespace {

// $1 account, $2 year, $3 currency. Years are UTC calendar years on the transfer's time.
inline constexpr std::string_view kEarnings = R"(
  SELECT a.kind,
         COALESCE(sum(l.amount), 0)::bigint AS total,
         COALESCE(sum(l.amount) FILTER (WHERE l.amount > 0), 0)::bigint AS credits,
         COALESCE(sum(l.amount) FILTER (WHERE l.amount < 0), 0)::bigint AS debits
  FROM contracts c
  JOIN transfers t ON t.contract_id = c.id
  JOIN legs l ON l.transfer_id = t.id
  JOIN accounts a ON a.id = l.account_id
  WHERE c.freelancer_id = $1::uuid AND t.kind = 'release' AND l.currency = $3
    AND t.created_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
    AND t.created_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
  GROUP BY a.kind)";

inline constexpr std::string_view kReleaseCount = R"(
  SELECT count(DISTINCT t.id) AS releases
  FROM contracts c
  JOIN transfers t ON t.contract_id = c.id
  JOIN legs l ON l.transfer_id = t.id
  WHERE c.freelancer_id = $1::uuid AND t.kind = 'release' AND l.currency = $3
    AND t.created_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
    AND t.created_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC'))";

// The user's own wallet legs by transfer kind: top-ups, payouts and their reversals.
inline constexpr std::string_view kWalletByKind = R"(
  SELECT t.kind, COALESCE(sum(l.amount), 0)::bigint AS total
  FROM accounts a
  JOIN legs l ON l.account_id = a.id
  JOIN transfers t ON t.id = l.transfer_id
  WHERE a.kind = 'wallet' AND a.owner = $1 AND a.currency = $3
    AND t.kind IN ('top_up', 'payout', 'payout_reversal')
    AND t.created_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
    AND t.created_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
  GROUP BY t.kind)";

inline constexpr std::string_view kClientContracts = R"(
  SELECT c.id::text AS contract_id, c.title, c.freelancer_id::text AS freelancer_id,
         c.freelancer_country,
         COALESCE(sum(l.amount) FILTER (WHERE l.amount > 0), 0)::bigint AS funded,
         COALESCE(-sum(l.amount) FILTER (WHERE l.amount < 0 AND t.kind = 'release'), 0)::bigint
           AS released,
         COALESCE(-sum(l.amount) FILTER (WHERE l.amount < 0 AND t.kind <> 'release'), 0)::bigint
           AS refunded
  FROM contracts c
  JOIN transfers t ON t.contract_id = c.id
  JOIN legs l ON l.transfer_id = t.id
  JOIN accounts a ON a.id = l.account_id AND a.kind = 'escrow' AND a.owner = c.id::text
  WHERE c.client_id = $1::uuid AND c.currency = $3
    AND t.created_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC')
    AND t.created_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
  GROUP BY c.id
  ORDER BY c.id)";

void AddRow(std::string& csv, std::string_view section, std::string_view subject,
            std::string_view figure, const market::common::v1::Money& amount) {
  const StatusOr<money::Money> money = money::Money::FromProto(amount, "amount");
  csv.append(section).append(",").append(subject).append(",").append(figure).append(",");
  csv.append(amount.currency()).append(",").append(std::to_string(amount.minor_units()));
  csv.append(",").append(money.ok() ? money->ToDecimalString() : "").append("\r\n");
}

}  // namespace

v1::YearlyStatement BuildStatement(pqxx::work& tx, const std::string& account_id, int year,
                                   const std::string& currency) {
  v1::YearlyStatement statement;
  statement.set_account_id(account_id);
  statement.set_year(year);
  statement.set_currency(currency);
  const auto in_currency = [&](std::int64_t minor) { return MoneyProto(currency, minor); };

  v1::EarningsTotals& earnings = *statement.mutable_earnings();
  struct Sums {
    std::int64_t total = 0, credits = 0, debits = 0;
  };
  std::map<std::string, Sums> by_kind;
  for (const auto& row : tx.exec_params(std::string(kEarnings), account_id, year, currency)) {
    by_kind[row["kind"].as<std::string>()] = {row["total"].as<std::int64_t>(),
                                              row["credits"].as<std::int64_t>(),
                                              row["debits"].as<std::int64_t>()};
  }
  const auto total = [&](const std::string& kind, std::int64_t Sums::*column) -> std::int64_t {
    const auto found = by_kind.find(kind);
    return found == by_kind.end() ? 0 : found->second.*column;
  };
  *earnings.mutable_gross() = in_currency(-total("escrow", &Sums::total));
  *earnings.mutable_fees() = in_currency(total("fee_revenue", &Sums::total));
  *earnings.mutable_rounding() = in_currency(total("rounding", &Sums::total));
  *earnings.mutable_converted_out() = in_currency(total("fx_liquidity", &Sums::credits));
  *earnings.mutable_converted_in() = in_currency(-total("fx_liquidity", &Sums::debits));
  *earnings.mutable_withheld() = in_currency(total("withholding", &Sums::total));
  *earnings.mutable_net() = in_currency(total("wallet", &Sums::total));
  earnings.set_releases(
      tx.exec_params1(std::string(kReleaseCount), account_id, year, currency)["releases"]
          .as<int>());

  std::int64_t topped_up = 0, paid_out = 0;
  for (const auto& row : tx.exec_params(std::string(kWalletByKind), account_id, year, currency)) {
    const std::string kind = row["kind"].as<std::string>();
    const auto amount = row["total"].as<std::int64_t>();
    if (kind == "top_up") topped_up += amount;
    if (kind == "payout" || kind == "payout_reversal") paid_out -= amount;
  }
  *earnings.mutable_paid_out() = in_currency(paid_out);
  *statement.mutable_topped_up() = in_currency(topped_up);

  std::map<std::string, std::int64_t> by_country;
  for (const auto& row :
       tx.exec_params(std::string(kClientContracts), account_id, year, currency)) {
    v1::ContractPayments& contract = *statement.add_contracts();
    contract.set_contract_id(row["contract_id"].as<std::string>());
    contract.set_title(row["title"].as<std::string>());
    contract.set_freelancer_id(row["freelancer_id"].as<std::string>());
    contract.set_freelancer_country(row["freelancer_country"].as<std::string>());
    *contract.mutable_funded() = in_currency(row["funded"].as<std::int64_t>());
    *contract.mutable_released() = in_currency(row["released"].as<std::int64_t>());
    *contract.mutable_refunded() = in_currency(row["refunded"].as<std::int64_t>());
    by_country[contract.freelancer_country()] += contract.released().minor_units();
  }
  for (const auto& [country, released] : by_country) {
    v1::CountryPayments& payments = *statement.add_countries();
    payments.set_freelancer_country(country);
    *payments.mutable_released() = in_currency(released);
  }
  return statement;
}

std::string StatementCsv(const v1::YearlyStatement& statement) {
  std::string csv = "section,subject,figure,currency,minor_units,amount\r\n";
  const v1::EarningsTotals& e = statement.earnings();
  AddRow(csv, "earnings", "", "gross", e.gross());
  AddRow(csv, "earnings", "", "fees", e.fees());
  AddRow(csv, "earnings", "", "rounding", e.rounding());
  AddRow(csv, "earnings", "", "converted_out", e.converted_out());
  AddRow(csv, "earnings", "", "converted_in", e.converted_in());
  AddRow(csv, "earnings", "", "withheld", e.withheld());
  AddRow(csv, "earnings", "", "net", e.net());
  AddRow(csv, "earnings", "", "paid_out", e.paid_out());
  AddRow(csv, "client", "", "topped_up", statement.topped_up());
  for (const v1::ContractPayments& contract : statement.contracts()) {
    AddRow(csv, "contract", contract.contract_id(), "funded", contract.funded());
    AddRow(csv, "contract", contract.contract_id(), "released", contract.released());
    AddRow(csv, "contract", contract.contract_id(), "refunded", contract.refunded());
  }
  for (const v1::CountryPayments& country : statement.countries()) {
    AddRow(csv, "country", country.freelancer_country(), "released", country.released());
  }
  return csv;
}

}  // namespace market::escrow
