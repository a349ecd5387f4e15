#include "access_rule.hpp"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cctype>

#include "market/auth/v1/access.pb.h"

namespace market::codegen {
namespace {

// ROLE_FREELANCER -> "freelancer": the names tokens carry (libs/auth, RoleName).
std::string TokenRoleName(const google::protobuf::EnumValueDescriptor& value) {
  std::string name = value.name();
  constexpr std::string_view kPrefix = "ROLE_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

}  // namespace

std::string WhoMayCall(const AccessRule& rule) {
  if (rule.is_public) return "anyone";
  std::string who;
  for (std::size_t i = 0; i < rule.roles.size(); ++i) {
    if (i > 0) who += (i + 1 == rule.roles.size()) ? " or " : ", ";
    who += rule.roles[i];
  }
  return who;
}

std::string MethodPath(const google::protobuf::MethodDescriptor& method) {
  return method.service()->full_name() + "/" + method.name();
}

AccessRule ReadAccessRule(const google::protobuf::MethodDescriptor& method) {
  AccessRule rule;
  const std::string where = MethodPath(method);
  if (!method.options().HasExtension(market::auth::v1::access)) {
    rule.error = where +
                 " has no (market.auth.v1.access) option: every method must declare who may "
                 "call it, e.g. option (market.auth.v1.access) = { roles: [ROLE_CLIENT] };";
    return rule;
  }
  const auto& access = method.options().GetExtension(market::auth::v1::access);
  rule.is_public = access.public_();
  rule.rule = access.rule();
  for (const int role : access.roles()) {
    const auto* value = market::auth::v1::Role_descriptor()->FindValueByNumber(role);
    if (value == nullptr || role == market::auth::v1::ROLE_UNSPECIFIED) {
      rule.error =
          where + ": (market.auth.v1.access) names an unknown role " + std::to_string(role);
      return rule;
    }
    std::string name = TokenRoleName(*value);
    if (std::find(rule.roles.begin(), rule.roles.end(), name) != rule.roles.end()) {
      rule.error = where + ": (market.auth.v1.access) lists the role " + name + " twice";
      return rule;
    }
    rule.roles.push_back(std::move(name));
  }
  if (rule.is_public && !rule.roles.empty()) {
    rule.error = where + ": (market.auth.v1.access) is public and lists roles; choose one";
  } else if (!rule.is_public && rule.roles.empty()) {
    rule.error = where +
                 ": (market.auth.v1.access) lists no roles: name the roles that may call it, "
                 "or say public: true";
  }
  return rule;
}

}  // namespace market::codegen
