#include "account_validation.hpp"

#include <algorithm>

#include "market/common/text.hpp"
#include "market/connect/error_details.hpp"
#include "market/money/country.hpp"
#include "market/money/currency.hpp"

namespace market::gateway {
namespace {

Status ValidateName(std::string_view value, std::string_view field, std::size_t max_length,
                    bool required) {
  if (value.empty()) {
    if (required) return InvalidArgumentError(std::string(field) + ": must not be empty");
    return OkStatus();
  }
  if (!text::IsValidUtf8(value)) {
    return InvalidArgumentError(std::string(field) + ": must be valid UTF-8 text");
  }
  if (text::CodePointCount(value) > max_length) {
    return InvalidArgumentError(std::string(field) + ": must be at most " +
                                std::to_string(max_length) + " characters");
  }
  if (text::HasControlCharacter(value) || text::IsAsciiWhiteSpace(value.front()) ||
      text::IsAsciiWhiteSpace(value.back())) {
    return InvalidArgumentError(std::string(field) +
                                ": must not contain control characters or surrounding spaces");
  }
  return OkStatus();
}

StatusOr<std::vector<auth::Role>> ValidateRoles(
    const google::protobuf::RepeatedField<int>& requested) {
  std::vector<auth::Role> roles;
  for (int value : requested) {
    auth::Role role;
    switch (value) {
      case identity::v1::ROLE_FREELANCER:
        role = auth::Role::kFreelancer;
        break;
      case identity::v1::ROLE_CLIENT:
        role = auth::Role::kClient;
        break;
      case identity::v1::ROLE_OPERATOR:
        return InvalidArgumentError(
            "roles: operator accounts cannot be self-registered; choose freelancer and/or "
            "client");
      default:
        return InvalidArgumentError("roles: each role must be ROLE_FREELANCER or ROLE_CLIENT");
    }
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
      return InvalidArgumentError("roles: a role may be listed once");
    }
    roles.push_back(role);
  }
  if (roles.empty()) {
    return InvalidArgumentError("roles: choose at least one of ROLE_FREELANCER and ROLE_CLIENT");
  }
  return roles;
}

}  // namespace

std::string NormaliseEmail(std::string_view email) { return text::ToLowerAscii(text::Trim(email)); }

Status ValidateEmail(std::string_view email, std::string_view field) {
  const std::string name(field);
  if (email.empty()) return InvalidArgumentError(name + ": must not be empty");
  if (email.size() > kMaxEmailLength) {
    return InvalidArgumentError(name + ": must be at most 254 characters");
  }
  const auto at = email.find('@');
  const bool one_at =
      at != std::string_view::npos && email.find('@', at + 1) == std::string_view::npos;
  const std::string_view local = one_at ? email.substr(0, at) : std::string_view();
  const std::string_view domain = one_at ? email.substr(at + 1) : std::string_view();
  const auto dot = domain.rfind('.');
  const bool well_formed = one_at && !local.empty() && local.size() <= 64 &&
                           dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
                           domain.find("..") == std::string_view::npos &&
                           !text::HasControlCharacter(email) &&
                           std::none_of(email.begin(), email.end(), text::IsAsciiWhiteSpace);
  if (!well_formed) {
    return InvalidArgumentError(name + ": must be an address like name@example.com");
  }
  return OkStatus();
}

Status ValidatePassword(std::string_view password, std::string_view field) {
  const std::size_t length = text::CodePointCount(password);
  if (length < kMinPasswordLength || length > kMaxPasswordLength) {
    return InvalidArgumentError(std::string(field) + ": must have 10 to 128 characters");
  }
  return OkStatus();
}

StatusOr<NewAccount> ValidateRegistration(const identity::v1::RegisterRequest& request) {
  // Every field is checked, so that one answer names everything the user must correct.
  connect::FieldViolations violations;
  NewAccount account;
  account.email = NormaliseEmail(request.email());
  violations.Add(ValidateEmail(account.email, "email"));
  violations.Add(ValidatePassword(request.password(), "password"));
  violations.Add(ValidateName(request.display_name(), "display_name", kMaxDisplayNameLength, true));
  if (!money::IsCountryCode(request.country())) {
    violations.Add("country", "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
  }
  account.roles = violations.Take(ValidateRoles(request.roles()));
  violations.Add(
      ValidateName(request.company_name(), "company_name", kMaxCompanyNameLength, false));
  if (!money::FindCurrency(request.preferred_currency()).has_value()) {
    violations.Add("preferred_currency", "must be an ISO 4217 code such as \"EUR\"");
  }
  MARKET_RETURN_IF_ERROR(violations.ToStatus());
  account.display_name = request.display_name();
  account.country = request.country();
  account.company_name = request.company_name();
  account.preferred_currency = request.preferred_currency();
  return account;
}

}  // namespace market::gateway
