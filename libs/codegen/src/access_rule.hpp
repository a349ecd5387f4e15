// AccessRule: who may call a method, as its (market.auth.v1.access) option declares it.
//
// The code generator reads one per method and refuses the whole file when any method has
// none, or an inconsistent one, so that a method cannot be served by accident to everyone:
//
//   auto rule = market::codegen::ReadAccessRule(*method);
//   if (!rule.ok()) { *error = rule.error; return false; }   // protoc fails, naming the method
//   // rule.roles == {"freelancer"}, rule.is_public == false
#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class MethodDescriptor;
}

namespace market::codegen {

struct AccessRule {
  bool is_public = false;
  // Lower-case role names as tokens carry them ("freelancer", "client", "operator",
  // "service"), in the order the option lists them.
  std::vector<std::string> roles;
  // The ownership rule the handler adds, free text for the README; may be empty.
  std::string rule;
  // Empty when the option is present and consistent; otherwise why the method is refused.
  std::string error;

  bool ok() const { return error.empty(); }
};

AccessRule ReadAccessRule(const google::protobuf::MethodDescriptor& method);

// Who may call, in words: "anyone", "freelancer", "freelancer, client or operator".
std::string WhoMayCall(const AccessRule& rule);

// "/market.listings.v1.ListingsService/GetProfile" without the slash: the name tables use.
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

}  // namespace market::codegen
