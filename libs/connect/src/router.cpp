#include "market/connect/router.hpp"

#include <google/protobuf/descriptor.h>

#include <stdexcept>

namespace market::connect {

void Router::AddMethod(const google::protobuf::MethodDescriptor& descriptor, Access access,
                       std::unique_ptr<const MethodInvoker> invoker) {
  RegisteredMethod method;
  method.procedure = "/" + descriptor.service()->full_name() + "/" + descriptor.name();
  method.descriptor = &descriptor;
  method.get_allowed = HasNoSideEffects(descriptor);
  method.allow = method.get_allowed ? "GET, POST" : "POST";
  method.invoker = std::move(invoker);
  if (methods_.find(method.procedure) != methods_.end()) {
    throw std::logic_error(method.procedure + " is registered twice");
  }
  // Deny by default: a method for some roles only, with nothing to check tokens, could only
  // ever refuse; it is a wiring bug, found at start-up.
  if (!access.is_public && (access.roles.empty() || verifier_ == nullptr)) {
    throw std::logic_error(method.procedure +
                           " needs roles: give it some, and the router a token verifier");
  }
  method.access = std::move(access);
  method.verifier = verifier_;
  std::string path = method.procedure;
  methods_.emplace(std::move(path), std::move(method));
  services_.insert(descriptor.service()->full_name());
}

void Router::RunInline(std::string_view path) {
  const auto it = methods_.find(path);
  if (it == methods_.end()) {
    throw std::logic_error("Router::RunInline: nothing is registered at " + std::string(path));
  }
  it->second.runs_inline = true;
}

const RegisteredMethod* Router::Find(std::string_view path) const {
  const auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : &it->second;
}

bool Router::IsDeclaredButUnimplemented(std::string_view path) const {
  if (path.size() < 2 || path.front() != '/') return false;
  path.remove_prefix(1);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return false;
  const auto service_name = path.substr(0, slash);
  const auto method_name = path.substr(slash + 1);
  if (services_.find(service_name) == services_.end()) return false;
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(service_name));
  return service != nullptr && service->FindMethodByName(std::string(method_name)) != nullptr;
}

}  // namespace market::connect
