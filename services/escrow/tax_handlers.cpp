// SetTaxProfile and GetTaxProfile: the freelancer's tax residence and form, which pick its
// withholding rule and whether payouts wait for a verified form (tax_profiles.hpp).
#include "escrow_service.hpp"
#include "market/money/country.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "tax_profiles.hpp"

namespace market::escrow {
namespace {

inline constexpr std::size_t kMinReferenceLength = 4;
inline constexpr std::size_t kMaxReferenceLength = 32;

std::string FormKindName(v1::TaxFormKind kind) {
  switch (kind) {
    case v1::TAX_FORM_KIND_US_PERSON:
      return "us_person";
    case v1::TAX_FORM_KIND_FOREIGN_PERSON:
      return "foreign_person";
    case v1::TAX_FORM_KIND_NONE:
      return "none";
    default:
      return "";
  }
}

v1::TaxFormKind FormKindOf(const std::string& name) {
  if (name == "us_person") return v1::TAX_FORM_KIND_US_PERSON;
  if (name == "foreign_person") return v1::TAX_FORM_KIND_FOREIGN_PERSON;
  return v1::TAX_FORM_KIND_NONE;
}

// The reference is checked without ever echoing it: error messages name the rule only.
Status ValidateReference(const std::string& form_kind, const std::string& reference) {
  if (form_kind == "none") {
    if (!reference.empty()) {
      return InvalidArgumentError("taxpayer_reference: must be empty without a tax form");
    }
    return OkStatus();
  }
  if (reference.size() < kMinReferenceLength || reference.size() > kMaxReferenceLength) {
    return InvalidArgumentError("taxpayer_reference: 4 to 32 characters are required with a form");
  }
  for (const char c : reference) {
    const bool allowed =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed) {
      return InvalidArgumentError("taxpayer_reference: only A-Z a-z 0-9 and - are allowed");
    }
  }
  return OkStatus();
}

void ToProto(const TaxProfileRecord& record, const TaxStanding& standing, v1::TaxProfile& out) {
  out.set_account_id(record.account_id);
  out.set_country(record.country);
  out.set_form_kind(FormKindOf(record.form_kind));
  out.set_taxpayer_reference_masked(MaskReference(record.taxpayer_reference));
  if (record.verified_at_micros) {
    *out.mutable_verified_at() = pg::TimestampFromUnixMicros(*record.verified_at_micros);
  }
  *out.mutable_updated_at() = pg::TimestampFromUnixMicros(record.updated_at_micros);
  out.set_withholding_basis_points(standing.withholding_bps);
  out.set_payouts_blocked(standing.payouts_blocked);
}

}  // namespace

Status EscrowService::SetTaxProfile(const connect::CallContext& ctx,
                                    const v1::SetTaxProfileRequest& request,
                                    v1::SetTaxProfileResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  if (!money::IsCountryCode(request.country())) {
    return InvalidArgumentError("country: must be an ISO 3166-1 alpha-2 code, e.g. \"US\"");
  }
  const std::string form_kind = FormKindName(request.form_kind());
  if (form_kind.empty()) {
    return InvalidArgumentError(
        "form_kind: must be TAX_FORM_KIND_NONE, TAX_FORM_KIND_US_PERSON or "
        "TAX_FORM_KIND_FOREIGN_PERSON");
  }
  MARKET_RETURN_IF_ERROR(ValidateReference(form_kind, request.taxpayer_reference()));
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        response.Clear();
        const TaxProfileRecord profile = WriteTaxProfile(tx, caller.subject, request.country(),
                                                         form_kind, request.taxpayer_reference());
        ToProto(profile, TaxStandingOf(tx, caller.subject, caller.country),
                *response.mutable_profile());
        return OkStatus();
      });
}

Status EscrowService::GetTaxProfile(const connect::CallContext& ctx,
                                    const v1::GetTaxProfileRequest&,
                                    v1::GetTaxProfileResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  return pg::InTransaction(pool_, pg::TxOptions{.deadline = ctx.deadline, .read_only = true},
                           [&](pqxx::work& tx) -> Status {
                             response.Clear();
                             const auto profile = FindTaxProfile(tx, caller.subject);
                             if (!profile) return OkStatus();
                             ToProto(*profile, TaxStandingOf(tx, caller.subject, caller.country),
                                     *response.mutable_profile());
                             return OkStatus();
                           });
}

}  // namespace market::escrow
