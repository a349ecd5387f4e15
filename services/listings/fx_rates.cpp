#include "fx_rates.hpp"

#include <algorithm>
#include <string>

#include "market/common/log.hpp"
#include "market/money/currency.hpp"

namespace market::listings {
namespace {

inline constexpr std::string_view kUpsertRate = R"(
  INSERT INTO fx_rates AS r (base_currency, quote_currency, rate, base_exponent, quote_exponent,
                             quoted_at)
  VALUES ($1, $2, $3::numeric, $4, $5,
          'epoch'::timestamptz + $6::bigint * interval '1 microsecond')
  ON CONFLICT (base_currency, quote_currency) DO UPDATE SET
    rate = EXCLUDED.rate, quoted_at = EXCLUDED.quoted_at
  WHERE r.quoted_at < EXCLUDED.quoted_at)";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsRateDecimal(std::string_view rate) {
  const auto point = rate.find('.');
  const std::string_view whole = rate.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : rate.substr(point + 1);
  if (whole.empty() || whole.size() > 18 || !std::all_of(whole.begin(), whole.end(), IsDigit)) {
    return false;
  }
  if (point != std::string_view::npos &&
      (fraction.empty() || fraction.size() > 12 ||
       !std::all_of(fraction.begin(), fraction.end(), IsDigit))) {
    return false;
  }
  const auto non_zero = [](char c) { return c != '0' && c != '.'; };
  return std::any_of(rate.begin(), rate.end(), non_zero);
}

std::size_t ApplyFxRates(pqxx::work& tx, const escrow::v1::FxRatesUpdated& updated) {
  std::size_t changed = 0;
  for (const auto& rate : updated.rates()) {
    const auto base = money::FindCurrency(rate.base_currency());
    const auto quote = money::FindCurrency(rate.quote_currency());
    if (!base || !quote || base->code == quote->code || !IsRateDecimal(rate.rate()) ||
        !rate.has_quoted_at()) {
      log::Warn("fx rate skipped: it breaks the FxRate contract",
                {{"base", rate.base_currency()}, {"quote", rate.quote_currency()}});
      continue;
    }
    const std::int64_t quoted_at_micros =
        rate.quoted_at().seconds() * 1'000'000 + rate.quoted_at().nanos() / 1000;
    changed +=
        tx.exec_params(std::string(kUpsertRate), std::string(base->code), std::string(quote->code),
                       rate.rate(), base->exponent, quote->exponent, quoted_at_micros)
            .affected_rows();
  }
  return changed;
}

}  // namespace market::listings
