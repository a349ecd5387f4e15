// The SQL of a tax standing (tax_profiles.hpp), for statements that read it together with other
// rows: MARKET_TAX_STANDING_SQL("p.account", "p.fallback") is a subquery of one row or none, with
// the columns tax_country, tax_form_kind, tax_rate_bps and tax_payouts_need_form (read them with
// ReadTaxStanding). The profile (if any) picks the country and the effective form, the rule
// table the rate; the country's own row wins over '*'. No row only when an operator deleted the
// '*' rows.
#pragma once

#define MARKET_TAX_STANDING_SQL(account_id, fallback_country)                                   \
  "SELECT s.country AS tax_country, s.form_kind AS tax_form_kind, r.rate_bps AS tax_rate_bps, " \
  "       r.payouts_need_form AS tax_payouts_need_form "                                        \
  "FROM (SELECT COALESCE(p.country, " fallback_country                                          \
  ") AS country, "                                                                              \
  "             CASE WHEN p.verified_at IS NOT NULL THEN p.form_kind ELSE 'none' END "          \
  "               AS form_kind "                                                                \
  "      FROM (SELECT 1) AS one "                                                               \
  "      LEFT JOIN tax_profiles p ON p.account_id = " account_id                                \
  ") AS s "                                                                                     \
  "JOIN withholding_rules r ON r.form_kind = s.form_kind AND r.country IN (s.country, '*') "    \
  "ORDER BY r.country = '*' "                                                                   \
  "LIMIT 1"
