// Tax profiles and the withholding rules (README, "Tax withholding"): which rule of the
// withholding_rules table applies to an account, and the freelancer's recorded tax status.
// Runs inside the caller's transaction.
//
//   const TaxStanding standing = TaxStandingOf(tx, contract.freelancer_id,
//                                              contract.freelancer_country);
//   PlanRelease(contract, gross, standing.withholding_bps);
//
// The rule is the row of (country, effective form), else of ('*', effective form). The country
// is the profile's, else the fallback (the contract's freelancer country, or the token's). The
// effective form is the profile's form once verified, else 'none'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/result>
#include <pqxx/transaction>

namespace market::escrow {

struct TaxStanding {
  std::string country;
  std::string form_kind;  // effective: none, us_person, foreign_person
  std::int32_t withholding_bps = 0;
  // The rule wants a verified form before payouts, and the account has none.
  bool payouts_blocked = false;
};

TaxStanding TaxStandingOf(pqxx::work& tx, const std::string& account_id,
                          const std::string& fallback_country);
// The standing of a row that MARKET_TAX_STANDING_SQL (tax_standing_sql.hpp) filled; its columns
// all null (a LEFT JOIN that found no rule) give the fallback country with no withholding.
TaxStanding ReadTaxStanding(const pqxx::row& row, const std::string& fallback_country);

struct TaxProfileRecord {
  std::string account_id;
  std::string country;
  std::string form_kind;           // none, us_person, foreign_person
  std::string taxpayer_reference;  // never logged; shown only through MaskReference
  std::optional<std::int64_t> verified_at_micros;
  std::int64_t updated_at_micros = 0;
};

std::optional<TaxProfileRecord> FindTaxProfile(pqxx::work& tx, const std::string& account_id);

// Records the profile, replacing any earlier one. The sandbox verifies a form at once (a real
// verifier would set verified_at later); a profile without a form is never verified.
TaxProfileRecord WriteTaxProfile(pqxx::work& tx, const std::string& account_id,
                                 const std::string& country, const std::string& form_kind,
                                 const std::string& taxpayer_reference);

// "*****6789": all but the last four characters hidden; "" stays "".
std::string MaskReference(const std::string& reference);

}  // namespace market::escrow
