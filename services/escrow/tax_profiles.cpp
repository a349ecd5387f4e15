#include "tax_profiles.hpp"

#include "market/pg/prepared.hpp"
#include "tax_standing_sql.hpp"

namespace market::escrow {
namespace {

inline constexpr std::string_view kStanding = MARKET_TAX_STANDING_SQL("$1::uuid", "$2");

inline constexpr std::string_view kSelectProfile = R"(
  SELECT account_id::text AS account_id, country, form_kind, taxpayer_reference,
         (extract(epoch FROM verified_at) * 1000000)::bigint AS verified_at_micros,
         (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_at_micros
  FROM tax_profiles WHERE account_id = $1::uuid)";

// The sandbox verifies a form at once; a profile without a form is never verified.
inline constexpr std::string_view kUpsertProfile = R"(
  INSERT INTO tax_profiles (account_id, country, form_kind, taxpayer_reference, verified_at)
  VALUES ($1::uuid, $2, $3::text, $4, CASE WHEN $3::text = 'none' THEN NULL ELSE now() END)
  ON CONFLICT (account_id) DO UPDATE
    SET country = EXCLUDED.country, form_kind = EXCLUDED.form_kind,
        taxpayer_reference = EXCLUDED.taxpayer_reference, verified_at = EXCLUDED.verified_at,
        updated_at = now()
  RETURNING account_id::text AS account_id, country, form_kind, taxpayer_reference,
            (extract(epoch FROM verified_at) * 1000000)::bigint AS verified_at_micros,
            (extract(epoch FROM updated_at) * 1000000)::bigint AS updated_at_micros)";

TaxProfileRecord ProfileFrom(const pqxx::row& row) {
  TaxProfileRecord profile;
  profile.account_id = row["account_id"].as<std::string>();
  profile.country = row["country"].as<std::string>();
  profile.form_kind = row["form_kind"].as<std::string>();
  profile.taxpayer_reference = row["taxpayer_reference"].as<std::string>();
  if (!row["verified_at_micros"].is_null()) {
    profile.verified_at_micros = row["verified_at_micros"].as<std::int64_t>();
  }
  profile.updated_at_micros = row["updated_at_micros"].as<std::int64_t>();
  return profile;
}

}  // namespace

TaxStanding ReadTaxStanding(const pqxx::row& row, const std::string& fallback_country) {
  TaxStanding standing;
  standing.country = fallback_country;
  standing.form_kind = "none";
  if (row["tax_rate_bps"].is_null()) return standing;  // no rule row at all
  standing.country = row["tax_country"].as<std::string>();
  standing.form_kind = row["tax_form_kind"].as<std::string>();
  standing.withholding_bps = row["tax_rate_bps"].as<std::int32_t>();
  standing.payouts_blocked =
      standing.form_kind == "none" && row["tax_payouts_need_form"].as<bool>();
  return standing;
}

TaxStanding TaxStandingOf(pqxx::work& tx, const std::string& account_id,
                          const std::string& fallback_country) {
  const pqxx::result rows = pg::Exec(tx, kStanding, account_id, fallback_country);
  if (rows.empty()) return {.country = fallback_country, .form_kind = "none"};
  return ReadTaxStanding(rows[0], fallback_country);
}

std::optional<TaxProfileRecord> FindTaxProfile(pqxx::work& tx, const std::string& account_id) {
  const pqxx::result rows = tx.exec_params(std::string(kSelectProfile), account_id);
  if (rows.empty()) return std::nullopt;
  return ProfileFrom(rows[0]);
}

TaxProfileRecord WriteTaxProfile(pqxx::work& tx, const std::string& account_id,
                                 const std::string& country, const std::string& form_kind,
                                 const std::string& taxpayer_reference) {
  return ProfileFrom(tx.exec_params1(std::string(kUpsertProfile), account_id, country, form_kind,
                                     taxpayer_reference));
}

std::string MaskReference(const std::string& reference) {
  if (reference.size() <= 4) return std::string(reference.size(), '*');
  return std::string(reference.size() - 4, '*') + reference.substr(reference.size() - 4);
}

}  // namespace market::escrow
